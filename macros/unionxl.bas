Attribute VB_Name = "unionxl"
' The buttons of the unionxl master workbook. Each Sub checks that the Python Excel uses can
' run unionxl, then calls one entry point of unionxl.xl through RunPython of the standalone
' xlwings module embedded in this same VBA project (module "xlwings", verbatim from the
' pinned xlwings release), so neither the xlwings add-in nor a VBA reference is needed.
' Python writes only the sheets unionxl owns and reports in a message box.
'
' This file is UTF-8 so that its messages read as Chinese here; comments stay ASCII.
' macros/build_vba.py stores it in the VBA project as ASCII: every string literal holding
' Chinese becomes UxText("<UTF-16 code units in hex>"), which UxText decodes at run time,
' so the text does not depend on the code page of the PC that opens the workbook.
Option Explicit

Private Const UX_TITLE As String = "unionxl"
' Exit codes of the check below (cmd.exe answers 9009 when it cannot find the program)
Private Const UX_NO_PYTHON As Long = 9009
Private Const UX_NO_XLWINGS As Long = 3
Private Const UX_WRONG_XLWINGS As Long = 4
Private Const UX_NO_UNIONXL As Long = 5
Private Const UX_OLD_PYTHON As Long = 6
' Set when the treasurer answers "continue without saving", so that is asked once a session
Private uxNoSavePrompt As Boolean

' --- the buttons: generated from unionxl.contract.schema.MACRO_BUTTONS by macros/build_vba.py ---
Sub UnionxlValidate()
    On Error GoTo failed
    If UxReady() Then RunPython "import unionxl.xl as ux; ux.validate_book()"
    Exit Sub
failed:
    UxFailed Err.Number, Err.Description
End Sub

Sub UnionxlCheckBudget()
    On Error GoTo failed
    If UxReady() Then RunPython "import unionxl.xl as ux; ux.check_budget_book()"
    Exit Sub
failed:
    UxFailed Err.Number, Err.Description
End Sub

Sub UnionxlSummary()
    On Error GoTo failed
    If UxReady() Then RunPython "import unionxl.xl as ux; ux.summarize_book()"
    Exit Sub
failed:
    UxFailed Err.Number, Err.Description
End Sub

Sub UnionxlTodo()
    On Error GoTo failed
    If UxReady() Then RunPython "import unionxl.xl as ux; ux.todo_book()"
    Exit Sub
failed:
    UxFailed Err.Number, Err.Description
End Sub

Sub UnionxlNewYear()
    On Error GoTo failed
    If UxReady() Then RunPython "import unionxl.xl as ux; ux.new_year_book()"
    Exit Sub
failed:
    UxFailed Err.Number, Err.Description
End Sub

Sub UnionxlPackage()
    On Error GoTo failed
    If UxReady() Then RunPython "import unionxl.xl as ux; ux.package_book()"
    Exit Sub
failed:
    UxFailed Err.Number, Err.Description
End Sub
' --- end of the buttons ---

Private Function UxReady() As Boolean
    ' Offer to save first (a macro clears Excel's undo list), then check the interpreter.
    If Not ThisWorkbook.Saved And Not uxNoSavePrompt Then
        Select Case UxAsk("工作簿有尚未保存的修改。按钮运行后不能用 Ctrl+Z 撤销，建议先保存。" & vbLf & vbLf & _
                          "是：保存后继续；否：不保存，继续（本次打开期间不再询问）；取消：不运行。")
            Case vbYes: ThisWorkbook.Save
            Case vbNo: uxNoSavePrompt = True
            Case Else: Exit Function
        End Select
    End If
    #If Mac Then
        UxReady = True  ' RunPython on macOS goes through AppleScript; xlwings reports its own errors there
    #Else
        UxReady = UxPythonReady()
    #End If
End Function

Private Function UxPythonReady() As Boolean
    ' Run the interpreter RunPython will use (same settings, same order) on a short probe,
    ' hidden, and turn its exit code into a Chinese message with the fix.
    Dim interpreter As String, code As Long, remedy As String
    remedy = "请重新运行 unionxl 安装包中的“安装.bat”：它会装好所需的一切，最后列出每一项检查的结果。"
    If GetConfig("CONDA PATH", "") <> "" Then  ' a conda setup is activated by xlwings itself
        UxPythonReady = True
        Exit Function
    End If
    interpreter = GetConfig("INTERPRETER_WIN", "")
    If interpreter = "" Then interpreter = GetConfig("INTERPRETER", "python")
    If interpreter <> "python" And interpreter <> "pythonw" Then
        If Not CreateObject("Scripting.FileSystemObject").FileExists(interpreter) Then
            UxSay "找不到 Excel 要使用的 Python：" & vbLf & interpreter & vbLf & vbLf & remedy
            Exit Function
        End If
    End If
    code = CreateObject("WScript.Shell").Run("cmd.exe /C """"" & interpreter & """ -B -c """ & UxProbe() & """""", 0, True)
    Select Case code
        Case 0
            UxPythonReady = True
        Case UX_NO_PYTHON
            UxSay "找不到 Python（Excel 的设置是“" & interpreter & "”）。" & vbLf & vbLf & remedy
        Case UX_OLD_PYTHON
            UxSay "Python 版本太旧：unionxl 需要 Python 3.10 或更新版本。" & vbLf & vbLf & _
                  "请从 python.org 安装新版 Python，再运行“安装.bat”。"
        Case UX_NO_XLWINGS
            UxSay "Excel 使用的 Python 中没有安装 xlwings。" & vbLf & vbLf & remedy
        Case UX_WRONG_XLWINGS
            UxSay "Excel 使用的 Python 中的 xlwings 不是本工作簿需要的 " & XLWINGS_VERSION & " 版。" & vbLf & vbLf & remedy
        Case UX_NO_UNIONXL
            UxSay "Excel 使用的 Python 中没有安装 unionxl。" & vbLf & vbLf & remedy
        Case Else
            UxSay "Python 检查没有通过（退出码 " & code & "）。" & vbLf & vbLf & remedy
    End Select
End Function

Private Function UxProbe() As String
    ' One line of Python without double quotes, percent or exclamation signs (cmd.exe may read them).
    UxProbe = "import sys;from importlib.util import find_spec as f;from importlib.metadata import version as v;" & _
              "sys.exit(" & UX_OLD_PYTHON & " if sys.version_info<(3,10) else " & UX_NO_XLWINGS & " if f('xlwings') is None else " & _
              UX_WRONG_XLWINGS & " if not v('xlwings')=='" & XLWINGS_VERSION & "' else " & UX_NO_UNIONXL & " if f('unionxl') is None else 0)"
End Function

Private Sub UxFailed(number As Long, reason As String)
    UxSay "按钮没有运行成功：" & reason & "（错误 " & number & "）" & vbLf & vbLf & _
          "请先保存工作簿，再重新运行 unionxl 安装包中的“安装.bat”检查安装；仍有问题，请把这段文字发给维护者。"
End Sub

Private Sub UxSay(message As String)
    ' WScript's Popup takes Unicode text, so Chinese shows whatever the PC's code page;
    ' VBA's MsgBox is the fallback (and the only choice on macOS).
    On Error GoTo plain
    CreateObject("WScript.Shell").Popup message, 0, UX_TITLE, vbExclamation
    Exit Sub
plain:
    MsgBox message, vbExclamation, UX_TITLE
End Sub

Private Function UxAsk(message As String) As Long
    On Error GoTo plain
    UxAsk = CreateObject("WScript.Shell").Popup(message, 0, UX_TITLE, vbYesNoCancel + vbQuestion)
    Exit Function
plain:
    UxAsk = MsgBox(message, vbYesNoCancel + vbQuestion, UX_TITLE)
End Function

Private Function UxText(codes As String) As String
    ' The text of a string literal that build_vba.py stored as 4 hex digits per UTF-16 unit.
    ' Two bytes at a time: a 4-digit "&H" number would read as a negative Integer above 7FFF.
    Dim i As Long
    For i = 1 To Len(codes) Step 4
        UxText = UxText & ChrW(CLng("&H" & Mid$(codes, i, 2)) * 256 + CLng("&H" & Mid$(codes, i + 2, 2)))
    Next i
End Function
