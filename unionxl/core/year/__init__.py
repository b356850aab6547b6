"""The treasurer's year: festival dates, the standard plan, the monthly to-do, rollover."""
