"""wellbeing: psychological-wellbeing screening and referral for a police service station."""

__version__ = "0.1.0"
