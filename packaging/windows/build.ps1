# Build the Windows installer: the PyInstaller folder dist\vonxoay\ and, from it, dist\VonXoay-<version>-setup.exe.
#
#     powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
#
# Needs Python 3.11 (the `py` launcher) and Inno Setup 6 (ISCC.exe on PATH or in its default folder).
# Mirrors packaging/build-linux.sh and packaging/smoke-test.sh; it cannot run on the Linux machine the
# rest of the project is tested on, so it is exercised by .ci/windows-build.yml on a Windows runner.
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path (Join-Path $PSScriptRoot "..\.."))

function Invoke-Checked([string]$What, [scriptblock]$Command) {
    Write-Host "==> $What"
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

# The development set-up (.venv and the runtime pins), without starting anything.
Invoke-Checked "set up .venv" { py -3.11 -c "import sys; sys.path.insert(0, 'packaging'); import dev; dev.set_up('run')" }
$python = ".venv\Scripts\python.exe"
Invoke-Checked "install the build pins" {
    & $python -m pip --disable-pip-version-check --no-input install --quiet --only-binary=:all: -r packaging\requirements-build.lock
}

if (Test-Path dist\vonxoay) { Remove-Item -Recurse -Force dist\vonxoay }
Invoke-Checked "PyInstaller" {
    & $python -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build\pyinstaller packaging\vonxoay.spec
}

# Smoke test of the bundle before packing it: versions, the window on a demo commune offscreen, the CLI.
$env:QT_QPA_PLATFORM = "offscreen"
$data = Join-Path $env:TEMP ("vonxoay-smoke-" + [guid]::NewGuid())
$versionLine = (& dist\vonxoay\vonxoay-cli.exe --version) | Out-String
if ($LASTEXITCODE -ne 0 -or $versionLine -notmatch "(\d+\.\d+\.\d+)") { throw "vonxoay-cli --version failed: $versionLine" }
$version = $Matches[1]
$window = Start-Process -FilePath dist\vonxoay\vonxoay.exe -ArgumentList "--data-dir", "`"$data`"", "--demo", "--smoke-test" -Wait -PassThru
if ($window.ExitCode -ne 0) { throw "the window's smoke test failed (exit code $($window.ExitCode))" }
Invoke-Checked "check the demo books" { & dist\vonxoay\vonxoay-cli.exe --data-dir $data check }
Invoke-Checked "receipts PDF" { & dist\vonxoay\vonxoay-cli.exe --data-dir $data receipt pdf --project DA01 --out "$data\phieu-thu.pdf" }
Remove-Item -Recurse -Force $data
Remove-Item Env:\QT_QPA_PLATFORM

$iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $iscc)) { throw "Inno Setup 6 not found: install it (https://jrsoftware.org/isinfo.php) or put ISCC.exe on PATH" }
Invoke-Checked "Inno Setup" { & $iscc /Qp "/DAppVersion=$version" packaging\windows\vonxoay.iss }

$size = [math]::Round(((Get-ChildItem -Recurse dist\vonxoay | Measure-Object -Property Length -Sum).Sum / 1MB))
Write-Host "==> dist\vonxoay\: $size MB unpacked; installer dist\VonXoay-$version-setup.exe"
