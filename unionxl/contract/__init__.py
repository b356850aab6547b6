"""The contract: what a master workbook is (sheets, columns, formulas), findings, money."""
