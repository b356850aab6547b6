"""The pure core on pandas DataFrames: checks, fund rules, totals, summary, the treasurer's year."""
