@echo off
chcp 65001 >nul
rem unionxl installer for Windows. This file is UTF-8 (without BOM) with CRLF line ends;
rem chcp 65001 above makes cmd.exe read the Chinese lines below as UTF-8.
rem It finds a Python 3 and hands over to install.py, which does the work and explains it.
setlocal
cd /d "%~dp0"
set "PY="
where py >nul 2>nul && set "PY=py -3"
if not defined PY where python >nul 2>nul && set "PY=python"
if not defined PY goto nopython
%PY% -c "import sys" >nul 2>nul || goto nopython
%PY% "%~dp0install.py" %*
set "RC=%ERRORLEVEL%"
echo.
pause
exit /b %RC%

:nopython
echo.
echo 没有找到 Python。
echo 请从 https://www.python.org/downloads/ 下载 Python 3.10 或更新版本并安装，
echo 安装时务必勾选“Add python.exe to PATH”，然后再双击运行本文件。
echo.
pause
exit /b 1
