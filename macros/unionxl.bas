Attribute VB_Name = "unionxl"
' The buttons of the unionxl master workbook. Each Sub calls one Python entry point of
' unionxl.xl through RunPython of the xlwings add-in (installed by "xlwings addin
' install"). Application.Run reaches the add-in without a VBA reference, so this module
' works in any workbook; Python writes only the sheets unionxl owns and reports in a
' message box. Keep this file ASCII: the VBA project stores it in the workbook's code page.

Sub UnionxlValidate()
    Application.Run "xlwings.xlam!RunPython", "import unionxl.xl as ux; ux.validate_book()"
End Sub

Sub UnionxlCheckBudget()
    Application.Run "xlwings.xlam!RunPython", "import unionxl.xl as ux; ux.check_budget_book()"
End Sub

Sub UnionxlSummary()
    Application.Run "xlwings.xlam!RunPython", "import unionxl.xl as ux; ux.summarize_book()"
End Sub

Sub UnionxlTodo()
    Application.Run "xlwings.xlam!RunPython", "import unionxl.xl as ux; ux.todo_book()"
End Sub

Sub UnionxlNewYear()
    Application.Run "xlwings.xlam!RunPython", "import unionxl.xl as ux; ux.new_year_book()"
End Sub
