"""Set up VốnXoay's development environment, then start the program or run the tests.

    python3 packaging/dev.py run [ARGS...]   # set up, then `python -m ui ARGS`
    python3 packaging/dev.py test [ARGS...]  # set up, then lint-imports, ruff check, pytest ARGS

"Set up" means: .venv, the pinned packages of packaging/*.lock, the project installed editable, and on
Debian/Ubuntu the system libraries Qt needs; then Qt's Vietnamese strings compiled (resources/translations/*.ts
to .qm). Standard library only, so it runs before anything is
installed. Linux and Windows (there: `py -3.11 packaging/dev.py ...`).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from typing import NoReturn

# Kept free of 3.11-only syntax so an older interpreter reaches this check and says why it stops.
if sys.version_info < (3, 11):  # noqa: UP036 - ruff assumes 3.11, but the point is to catch older ones
    sys.exit(
        f"VốnXoay needs Python 3.11 or newer; this is {sys.version.split()[0]} ({sys.executable}).\n"
        "Run it with python3.11 (Windows: py -3.11 packaging/dev.py ...)."
    )

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGING = os.path.join(REPO, "packaging")
VENV = os.path.join(REPO, ".venv")
WINDOWS = os.name == "nt"
BIN = os.path.join(VENV, "Scripts" if WINDOWS else "bin")
VENV_PYTHON = os.path.join(BIN, "python.exe" if WINDOWS else "python")
# One file inside .venv, so deleting or recreating the venv also forgets what was installed into it.
STAMP = os.path.join(VENV, "vonxoay-deps.json")

RUNTIME_LOCK = os.path.join(PACKAGING, "requirements.lock")
TEST_LOCK = os.path.join(PACKAGING, "requirements-test.lock")
LOCKS = {"run": RUNTIME_LOCK, "test": TEST_LOCK}

# Debian/Ubuntu packages by group, found by running `ldd`/`readelf -d` on PySide6 6.11's Qt/lib and
# Qt/plugins and mapping each needed library to its package with `dpkg -S`. The C/C++ runtime, zlib and
# zstd are left out: every Debian system has them. Their own dependencies (Mesa, ...) come in through apt.
APT_PACKAGES = {
    # QtCore/QtGui, needed even with QT_QPA_PLATFORM=offscreen: GLib event loop, D-Bus (QtGui links
    # QtDBus), OpenGL/EGL and X11 (linked by QtGui and the offscreen plugin), fonts, keyboard maps.
    "qt": (
        "libglib2.0-0",
        "libdbus-1-3",
        "libegl1",
        "libgl1",
        "libx11-6",
        "libfontconfig1",
        "libfreetype6",
        "libxkbcommon0",
    ),
    # Qt ships no fonts; DejaVu covers Vietnamese, so text is not drawn as empty boxes.
    "fonts": ("fonts-dejavu-core",),
    # QtNetwork (Kerberos, brotli): loaded by anything that imports PySide6.QtNetwork.
    "qt-network": ("libgssapi-krb5-2", "libbrotli1"),
    # The xcb platform plugin, for a real window with `run` on an X11 or XWayland desktop.
    "qt-xcb": (
        "libx11-xcb1",
        "libxcb1",
        "libxcb-cursor0",
        "libxcb-glx0",
        "libxcb-icccm4",
        "libxcb-image0",
        "libxcb-keysyms1",
        "libxcb-randr0",
        "libxcb-render0",
        "libxcb-render-util0",
        "libxcb-shape0",
        "libxcb-shm0",
        "libxcb-sync1",
        "libxcb-util1",
        "libxcb-xfixes0",
        "libxcb-xkb1",
        "libxkbcommon-x11-0",
    ),
    # Qt's CUPS print-support plugin: without it the print dialog lists no printers.
    "qt-print": ("libcups2",),
    # pdftoppm/pdftotext: the tests read back the PDF reports the program writes. LibreOffice Calc without
    # its GUI gives a headless `soffice`: a real spreadsheet program must read the XLSX reports. Only `test`.
    "tests": ("poppler-utils", "libreoffice-calc-nogui"),
}


def say(message: str) -> None:
    """One progress line; flushed so it lands before the output of the tool that follows."""
    print(f"==> {message}", flush=True)


# --------------------------------------------------------------------------- system packages


def debian_venv_package() -> str | None:
    """Debian splits ensurepip out of python3.X; without it `python -m venv` cannot install pip."""
    if importlib.util.find_spec("ensurepip") is not None:
        return None
    return f"python{sys.version_info.major}.{sys.version_info.minor}-venv"


def installed_debian_packages(names: list[str]) -> set[str]:
    """Names among `names` that dpkg reports as installed (one dpkg-query call: this is the fast path)."""
    # Ubuntu 24.04 renamed many libraries with a "t64" suffix; asking for both spellings keeps the
    # fast path there instead of calling apt on every run.
    query = names + [n + "t64" for n in names if n.startswith("lib")]
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${Status}\n", *query],
        capture_output=True,
        text=True,
    )  # exits 1 when some name is unknown; the lines it prints for the others are still right
    installed = set()
    for line in result.stdout.splitlines():
        package, _, status = line.partition(" ")
        if status.strip() == "install ok installed":
            installed.add(package.removesuffix("t64"))
    return installed


def ensure_debian_packages(mode: str) -> None:
    """Install the missing APT_PACKAGES (and the venv module if needed); do nothing when all are present."""
    if WINDOWS or not os.path.exists("/etc/debian_version"):
        return
    groups = [group for group in APT_PACKAGES if group != "tests" or mode == "test"]
    wanted = [name for group in groups for name in APT_PACKAGES[group]]
    venv_package = debian_venv_package()
    if venv_package:
        wanted.append(venv_package)
    installed = installed_debian_packages(wanted)
    missing = [name for name in wanted if name not in installed]
    if not missing:
        return

    say(f"installing missing Debian packages: {' '.join(missing)}")
    update = ["apt-get", "update"]
    install = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if os.geteuid() == 0:
        prefix: list[str] = []
    elif shutil.which("sudo"):
        # sudo drops most of the environment, so the variable goes on its command line; -n makes it
        # fail at once instead of waiting for a password nobody can type (CI has no stdin).
        prefix = ["sudo"] + ([] if sys.stdin and sys.stdin.isatty() else ["-n"])
        prefix += ["DEBIAN_FRONTEND=noninteractive"]
    else:
        manual_apt_instructions(update, install)
    for command in (update, install):
        if subprocess.run(prefix + command, env=env).returncode != 0:
            manual_apt_instructions(update, install)


def manual_apt_instructions(update: list[str], install: list[str]) -> NoReturn:
    """Stop with the exact commands for someone with root rights to run."""
    sys.exit(
        "Could not install the system packages VốnXoay needs. As root, run:\n"
        f"  {' '.join(update)} && DEBIAN_FRONTEND=noninteractive {' '.join(install)}\n"
        "then run this command again."
    )


# --------------------------------------------------------------------------- virtual environment


def venv_moved() -> bool:
    """True when .venv was made at another path (the repo was moved or renamed).

    Console scripts (pip, lint-imports, ruff) hard-code the venv's path in their first line and fail
    with "bad interpreter" after a move, so such a venv has to be made again.
    """
    if WINDOWS:  # the .exe launchers embed the path too, but in a form not worth parsing here
        return False
    try:
        with open(os.path.join(BIN, "pip"), "rb") as script:
            head = script.read(512)
    except OSError:
        return False
    return os.fsencode(BIN + os.sep) not in head


def venv_works() -> bool:
    """True when .venv has a Python that starts and has pip (a half-made or moved venv does not)."""
    if not (os.path.isfile(os.path.join(VENV, "pyvenv.cfg")) and os.path.isfile(VENV_PYTHON)):
        return False
    if venv_moved():
        return False
    probe = (
        "import importlib.util, sys;"
        "sys.exit(sys.version_info < (3, 11) or not importlib.util.find_spec('pip'))"
    )
    try:
        return subprocess.run([VENV_PYTHON, "-c", probe], capture_output=True).returncode == 0
    except OSError:  # e.g. the interpreter it was made from has been removed
        return False


def ensure_venv() -> None:
    """Create .venv with the running interpreter when it is missing or broken."""
    if venv_works():
        return
    say(f"creating {os.path.relpath(VENV, REPO)} with Python {sys.version.split()[0]}")
    # --clear empties a broken venv in place; a fresh one also forgets the stamp, so pip runs again.
    result = subprocess.run([sys.executable, "-m", "venv", "--clear", VENV])
    if result.returncode != 0 or not venv_works():
        sys.exit(f"Could not create a working virtual environment in {VENV}.")


def dependencies_digest(mode: str) -> str:
    """SHA-256 of everything that decides what `mode` installs: its lock file(s) and pyproject.toml."""
    digest = hashlib.sha256()
    # The test lock includes the runtime lock with -r, so a change to either must reinstall.
    files = [LOCKS[mode], RUNTIME_LOCK, os.path.join(REPO, "pyproject.toml")]
    for path in dict.fromkeys(files):
        with open(path, "rb") as handle:
            digest.update(path.encode() + b"\0" + handle.read() + b"\0")
    return digest.hexdigest()


def read_stamp() -> dict[str, str]:
    try:
        with open(STAMP, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def write_stamp(stamp: dict[str, str]) -> None:
    # Written only after pip succeeded, through a temporary file, so a failed install is retried.
    temporary = STAMP + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(stamp, handle, indent=1, sort_keys=True)
    os.replace(temporary, STAMP)


def pip(*arguments: str) -> None:
    command = [VENV_PYTHON, "-m", "pip", "--disable-pip-version-check", "--no-input", *arguments]
    if subprocess.run(command, cwd=REPO).returncode != 0:
        sys.exit(f"pip failed: {' '.join(arguments)}")


def ensure_dependencies(mode: str) -> None:
    """Install the lock file for `mode` and the project itself, unless the stamp says it is done."""
    stamp = read_stamp()
    wanted = {mode: dependencies_digest(mode)}
    if mode == "test":
        # The test lock holds the runtime lock, so a test install also satisfies `run`.
        wanted["run"] = dependencies_digest("run")
    if all(stamp.get(key) == value for key, value in wanted.items()):
        return

    lock = LOCKS[mode]
    say(f"installing {os.path.relpath(lock, REPO)}")
    # Every pinned package ships wheels; refusing source builds fails fast with a clear message
    # instead of trying to compile (e.g. cryptography needs Rust) on a machine with no compilers.
    pip("install", "--only-binary=:all:", "-r", lock)
    say("installing the project itself (editable, no dependencies)")
    # The dependencies are already pinned above; --no-deps keeps pip from resolving them again.
    pip("install", "--no-deps", "-e", REPO)
    stamp.update(wanted)
    write_stamp(stamp)


TRANSLATIONS = os.path.join(REPO, "resources", "translations")


def compile_translations() -> None:
    """Qt's own strings in Vietnamese (standard buttons, file and print dialogs): every ``.ts`` of
    resources/translations compiled to the ``.qm`` the window loads, with the pinned PySide6's lrelease.
    The output is deterministic, so a compiled file already up to date is left as it is."""
    lrelease = venv_tool("pyside6-lrelease")
    if not os.path.exists(lrelease):  # the committed .qm stays in use
        say("pyside6-lrelease not found: Qt's Vietnamese strings not recompiled")
        return
    for name in sorted(os.listdir(TRANSLATIONS)):
        if not name.endswith(".ts"):
            continue
        source = os.path.join(TRANSLATIONS, name)
        target = source[:-3] + ".qm"
        if os.path.exists(target) and os.path.getmtime(target) >= os.path.getmtime(source):
            continue
        say(f"lrelease {name}")
        subprocess.run([lrelease, "-silent", source, "-qm", target], check=True)


def set_up(mode: str) -> None:
    # System packages first: on a fresh Debian they include the venv module itself.
    ensure_debian_packages(mode)
    ensure_venv()
    ensure_dependencies(mode)
    compile_translations()


# --------------------------------------------------------------------------- commands


def venv_tool(name: str) -> str:
    return os.path.join(BIN, name + (".exe" if WINDOWS else ""))


def venv_environment() -> dict[str, str]:
    """The environment of an activated .venv, so tools and tests that start programs find the venv's."""
    env = dict(os.environ, VIRTUAL_ENV=VENV)
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONHOME", None)
    return env


def command_run(arguments: list[str]) -> int:
    set_up("run")
    command = [VENV_PYTHON, "-m", "ui", *arguments]
    env = venv_environment()
    # No chdir: file names given as arguments stay relative to where the user is.
    if WINDOWS:
        # os.execv on Windows starts a new process and returns at once, which breaks the console and
        # the exit code; wait for the program instead and hand its exit code on.
        return subprocess.run(command, env=env).returncode
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(VENV_PYTHON, command, env)  # the program replaces this process: its signals, its exit code
    return 0  # not reached


# --------------------------------------------------------------------------- a private PostgreSQL server

# The upper level's tests also run against PostgreSQL: a throw-away server of our own in a temporary folder,
# on its own port, reachable only through a unix socket in that folder, stopped at the end. A system cluster
# (the one Debian's package makes) is never touched.
POSTGRES_ENV = "VONXOAY_TEST_POSTGRES"
POSTGRES_PACKAGE = "postgresql"


def postgres_bin() -> str | None:
    """The folder of initdb/pg_ctl: Debian keeps them out of PATH, in /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found:
        return os.path.dirname(found)
    root = "/usr/lib/postgresql"
    versions = sorted((v for v in os.listdir(root) if v.isdigit()), key=int) if os.path.isdir(root) else []
    for version in reversed(versions):
        folder = os.path.join(root, version, "bin")
        if os.path.exists(os.path.join(folder, "initdb")):
            return folder
    return None


def ensure_postgres_server_package() -> str | None:
    """The server's binaries, installing Debian's package when missing and we may; None (with the reason
    said) when not: the PostgreSQL tests then skip."""
    folder = postgres_bin()
    if folder or WINDOWS or not os.path.exists("/etc/debian_version"):
        return folder
    if os.geteuid() != 0 and not shutil.which("sudo"):
        say("PostgreSQL server not installed and no root rights: the PostgreSQL tests will be skipped")
        return None
    say(f"installing the Debian package {POSTGRES_PACKAGE} (for the upper level's PostgreSQL tests)")
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n", "DEBIAN_FRONTEND=noninteractive"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", POSTGRES_PACKAGE]):
        if subprocess.run(prefix + command, env=env).returncode != 0:
            say("could not install PostgreSQL: the PostgreSQL tests will be skipped")
            return None
    return postgres_bin()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivatePostgres:
    """initdb + pg_ctl in a temporary folder; as root the server runs as an unprivileged user (PostgreSQL
    refuses to run as root)."""

    def __init__(self, folder: str):
        import tempfile

        self.bin = folder
        self.root = tempfile.mkdtemp(prefix="vonxoay-pg-")
        self.data = os.path.join(self.root, "data")
        self.port = free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            import pwd

            user = next((u for u in ("postgres", "nobody") if _has_user(pwd, u)), None)
            runuser = shutil.which("runuser") or shutil.which("setpriv")
            if user is None or runuser is None:
                raise RuntimeError("running as root without an unprivileged user to run PostgreSQL as")
            os.chown(self.root, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
            self.prefix = [runuser, "-u", user, "--"] if runuser.endswith("runuser") else [
                runuser, f"--reuid={user}", f"--regid={pwd.getpwnam(user).pw_gid}", "--clear-groups", "--"]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@/postgres?host={self.root}&port={self.port}"

    def start(self) -> None:
        run = lambda *command: subprocess.run(self.prefix + list(command), check=True,  # noqa: E731
                                              stdout=subprocess.DEVNULL)
        run(os.path.join(self.bin, "initdb"), "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--no-sync", "--locale=C")
        run(os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-l", os.path.join(self.root, "server.log"), "-w",
            "-o", f"-k {self.root} -p {self.port} -c listen_addresses='' -c fsync=off -c max_connections=60",
            "start")

    def stop(self) -> None:
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            subprocess.run(self.prefix + [os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "immediate",
                                          "-w", "stop"], stdout=subprocess.DEVNULL)
        shutil.rmtree(self.root, ignore_errors=True)


def _has_user(pwd, name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def start_test_postgres(env: dict[str, str]) -> PrivatePostgres | None:
    """Start the private server and tell the tests where it is (unless one was given already)."""
    if env.get(POSTGRES_ENV):
        say(f"PostgreSQL tests against the server given in {POSTGRES_ENV}")
        return None
    folder = ensure_postgres_server_package()
    if folder is None:
        return None
    server = PrivatePostgres(folder)
    try:
        server.start()
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        say(f"could not start a private PostgreSQL server ({exc}): the PostgreSQL tests will be skipped")
        server.stop()
        return None
    env[POSTGRES_ENV] = server.url
    say(f"private PostgreSQL server for the tests in {server.root}, port {server.port}")
    return server


def command_test(arguments: list[str]) -> int:
    set_up("test")
    env = venv_environment()
    server = None if WINDOWS else start_test_postgres(env)
    try:
        return run_tests(arguments, env)
    finally:
        if server is not None:
            server.stop()


def run_tests(arguments: list[str], env: dict[str, str]) -> int:
    # The tests never open a window: Qt draws into memory, so they run on CI and over SSH.
    env["QT_QPA_PLATFORM"] = "offscreen"
    steps = [
        ("lint-imports (import contracts from pyproject.toml)", [venv_tool("lint-imports")]),
        ("ruff check .", [venv_tool("ruff"), "check", "."]),
        ("python -m pytest " + " ".join(arguments), [VENV_PYTHON, "-m", "pytest", *arguments]),
    ]
    for title, command in steps:
        say(title.strip())
        status = subprocess.run(command, cwd=REPO, env=env).returncode
        if status != 0:
            return status
    return 0


COMMANDS = {"run": command_run, "test": command_test}

HELP = """\
commands / lệnh:
  run  [ARGS...]   Cài đặt rồi mở chương trình (python -m ui ARGS).
                   Set up, then start the program (python -m ui ARGS).
  test [ARGS...]   Cài đặt rồi chạy toàn bộ kiểm thử (lint-imports, ruff check, pytest ARGS).
                   Set up, then run the whole test suite (lint-imports, ruff check, pytest ARGS).

Cài đặt = .venv, các gói đã ghim trong packaging/*.lock, thư viện hệ thống (Debian/Ubuntu).
Set up  = .venv, the pinned packages of packaging/*.lock, system libraries (Debian/Ubuntu).
Windows: py -3.11 packaging/dev.py run | test"""


def parse_command_line(argv: list[str]) -> tuple[str, list[str]]:
    """Split off the command; everything after it goes untouched to the program or to pytest."""
    if argv and argv[0] in COMMANDS:
        return argv[0], argv[1:]
    parser = argparse.ArgumentParser(
        prog="python3 packaging/dev.py",
        usage="%(prog)s {run,test} [ARGS...]",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=HELP,
    )
    parser.add_argument("command", choices=sorted(COMMANDS), help=argparse.SUPPRESS)
    parser.parse_args(argv)  # prints the help, or an error with exit status 2
    parser.print_help()  # not reached: a valid command was handled above
    sys.exit(2)


def main(argv: list[str]) -> int:
    # A Windows console or a pipe may not speak UTF-8; never crash on a Vietnamese message.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    command, arguments = parse_command_line(argv)
    try:
        return COMMANDS[command](arguments)
    except KeyboardInterrupt:  # Ctrl-C during pip or a test step: the child has reported it already
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
