"""Writing master workbooks: the template (from the contract), the demo, synthetic schools."""
