Attribute VB_Name = "unionxl"
' Buttons of the unionxl master workbook. Each calls one Python entry point through
' xlwings' RunPython with the calling workbook; the Python side writes only the sheets
' unionxl owns (校验结果, 预算审核, 年度汇总, 本月待办) and shows a message box when done.
' Needs the xlwings add-in (xlwings addin install) or the xlwings VBA module in this book.

Sub UnionxlValidate()
    RunPython "import unionxl.xl as ux; ux.validate_book()"
End Sub

Sub UnionxlCheckBudget()
    RunPython "import unionxl.xl as ux; ux.check_budget_book()"
End Sub

Sub UnionxlSummary()
    RunPython "import unionxl.xl as ux; ux.summarize_book()"
End Sub

Sub UnionxlTodo()
    RunPython "import unionxl.xl as ux; ux.todo_book()"
End Sub

Sub UnionxlNewYear()
    RunPython "import unionxl.xl as ux; ux.new_year_book()"
End Sub
