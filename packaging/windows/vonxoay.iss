; Inno Setup 6 script: the Windows installer of VốnXoay, built from the PyInstaller folder dist\vonxoay\.
;
;     ISCC.exe /DAppVersion=0.1.0 packaging\windows\vonxoay.iss     (packaging\windows\build.ps1 does it all)
;
; Installs for the current user without administrator rights (a commune PC's clerk rarely has them; an
; administrator may still choose "all users"), adds a Start-menu entry and an uninstaller. The commune's
; books live elsewhere, in %LOCALAPPDATA%\VonXoay (platformdirs' user data folder): the uninstaller never
; touches them, so removing or reinstalling the program loses no data.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "VốnXoay"
#define AppExe "vonxoay.exe"
#define Bundle "..\..\dist\vonxoay"

[Setup]
; Never change AppId: it is how a new version finds and replaces the old one.
AppId={{6C1E2B7A-4F0D-4B8E-9C3A-5E2D7F9A1B64}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=VốnXoay
AppComments=Sổ quỹ vốn luân chuyển của xã
DefaultDirName={autopf}\VonXoay
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=VonXoay-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\vonxoay.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Closes a running VốnXoay (Restart Manager) before files are replaced; its books are safe in their own folder.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
en.DesktopIcon=Tạo biểu tượng trên màn hình nền (Desktop)
en.ExtraIcons=Biểu tượng:
en.StartNow=Mở VốnXoay ngay
en.Uninstall=Gỡ cài đặt VốnXoay
en.DataKept=Đã gỡ chương trình VốnXoay. Dữ liệu và các bản sao lưu của xã vẫn được giữ nguyên ở:%n%n%1%n%nCài lại chương trình sẽ dùng tiếp dữ liệu này.

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; GroupDescription: "{cm:ExtraIcons}"; Flags: unchecked

[Files]
; The whole one-folder bundle: both programs, Python, Qt and the resources (fonts, policies, code lists, icons).
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Comment: "Sổ quỹ vốn luân chuyển của xã"
Name: "{group}\{cm:Uninstall}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:StartNow}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] section on purpose: only the files installed above are removed. The data folder
; %LOCALAPPDATA%\VonXoay (books, backups, exports, logs) is not the installation folder and stays.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
  begin
    DataDir := ExpandConstant('{localappdata}\VonXoay');
    if DirExists(DataDir) then
      MsgBox(FmtMessage(CustomMessage('DataKept'), [DataDir]), mbInformation, MB_OK);
  end;
end;
