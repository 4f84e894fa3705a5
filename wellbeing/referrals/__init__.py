"""Referrals: from a rule hit or a self-referral to a person's documented outcome."""
