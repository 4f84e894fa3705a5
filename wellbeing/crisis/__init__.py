"""Risk assessments and safety plans (Stanley–Brown) on the way from a worrying answer to safety."""
