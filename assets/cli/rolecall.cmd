@echo off
rem `rolecall` as the desktop app ships it on Windows: runs the CLI bundled in the app's
rem resources (resources\rolecall-cli) with the app's own runtime, Electron run as plain Node
rem through ELECTRON_RUN_AS_NODE=1, as VS Code's code.cmd does. This needs the Electron fuse
rem RunAsNode to stay enabled (electron-builder.yml); if it is turned off, run a system node.
setlocal
set ELECTRON_RUN_AS_NODE=1
set "ROLECALL_LAUNCHER=%~f0"
"%~dp0..\..\..\Rolecall.exe" "%~dp0rolecall.mjs" %*
endlocal & exit /b %ERRORLEVEL%
