"""unionxl: the union treasurer's workbook engine (基层工会财务工作簿校验与汇总)."""

__version__ = "0.1.0"
