# Shared by interop/run.sh and interop/run-classic.sh (sourced, not run).

# Sets the array `args` to the script's arguments, a relative path to an
# existing file made absolute against the caller's directory.
resolve_args() {
    args=()
    local a
    for a in "$@"; do
        if [[ "$a" != -* && -e "$a" ]]; then
            a="$(cd "$(dirname "$a")" && pwd)/$(basename "$a")"
        fi
        args+=("$a")
    done
}

# ensure_venv VENV REQUIREMENTS: creates the venv and installs the pinned
# requirements when it is missing or the requirements changed since (a copy
# of the file kept in the venv is the stamp).
ensure_venv() {
    local venv="$1" requirements="$2"
    local stamp="$venv/.$(basename "$requirements")"
    if [[ ! -x "$venv/bin/python" ]] || ! cmp -s "$requirements" "$stamp"; then
        echo "== setting up $venv" >&2
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
        cp "$requirements" "$stamp"
    fi
}
