"""Deputies: a lead names someone to act on their actions for a period (leave, sickness)."""
