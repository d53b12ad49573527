#!/usr/bin/env bash
# Loads the generated bash completion and checks what <TAB> offers. Usage: completion.sh BINARY SOURCE_DIR
set -euo pipefail
binary=$1

fail() {
    echo "completion.sh: $*" >&2
    exit 1
}

script=$("$binary" completion bash) || fail "'$binary completion bash' failed"
eval "$script"
spec=$(complete -p xiaozhi) || fail "the script did not register a completion for xiaozhi"
function=$(sed -n 's/.*-F \([^ ]*\) .*/\1/p' <<<"$spec")
[[ -n $function ]] || fail "not a 'complete -F' completion: $spec"

# Completes the words given (the last one is the word under the cursor) into $COMPREPLY.
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="${COMP_WORDS[*]}"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    # Shells run completion functions without errexit or nounset.
    set +eu
    "$function" xiaozhi "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    set -eu
}

offers() {
    local wanted=$1 reply
    for reply in "${COMPREPLY[@]}"; do
        [[ $reply == "$wanted" ]] && return 0
    done
    return 1
}

expect() {
    local description=$1
    shift
    local wanted
    for wanted in "$@"; do
        offers "$wanted" || fail "$description: expected '$wanted', got: ${COMPREPLY[*]:-(nothing)}"
    done
}

expect_not() {
    local description=$1
    shift
    local unwanted
    for unwanted in "$@"; do
        offers "$unwanted" && fail "$description: did not expect '$unwanted', got: ${COMPREPLY[*]}"
    done
    return 0
}

complete_words xiaozhi ch
expect "xiaozhi ch<TAB>" check-ports
[[ ${#COMPREPLY[@]} -eq 1 ]] || fail "xiaozhi ch<TAB>: expected only check-ports, got: ${COMPREPLY[*]}"

complete_words xiaozhi ""
expect "xiaozhi <TAB>" check-ports diff-config
expect_not "xiaozhi <TAB> (completion is hidden)" completion

complete_words xiaozhi check-ports --f
expect "xiaozhi check-ports --f<TAB>" --format --fail-on
expect_not "xiaozhi check-ports --f<TAB>" --no-probe

complete_words xiaozhi check-ports --
expect "xiaozhi check-ports --<TAB>" --runtime --no-probe --host-snapshot --dump-host --set \
    --remote --show-secrets --help

complete_words xiaozhi check-ports --format ""
expect "xiaozhi check-ports --format <TAB>" sarif text json junit github

complete_words xiaozhi check-ports --format s
expect "xiaozhi check-ports --format s<TAB>" sarif

complete_words xiaozhi check-ports --format = j
expect "xiaozhi check-ports --format=j<TAB>" json junit

complete_words xiaozhi check-ports --fail-on ""
expect "xiaozhi check-ports --fail-on <TAB>" error warning

complete_words xiaozhi check-ports --runtime ""
expect "xiaozhi check-ports --runtime <TAB>" python xiaozhi

complete_words xiaozhi diff-config --
expect "xiaozhi diff-config --<TAB>" --ignore --only --ignore-order --layers --check --format
expect_not "xiaozhi diff-config --<TAB>" --fail-on --no-probe

complete_words xiaozhi diff-config --format ""
expect "xiaozhi diff-config --format <TAB>" text json
expect_not "xiaozhi diff-config --format <TAB>" sarif

# Paths complete as files, for positional arguments and for path options.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
touch "$work/config.yaml" "$work/host.json"
complete_words xiaozhi check-ports "$work/con"
expect "xiaozhi check-ports DIR/con<TAB>" "$work/config.yaml"
complete_words xiaozhi check-ports --host-snapshot "$work/ho"
expect "xiaozhi check-ports --host-snapshot DIR/ho<TAB>" "$work/host.json"

# A value that is free text offers nothing.
complete_words xiaozhi check-ports --set ""
[[ ${#COMPREPLY[@]} -eq 0 ]] || fail "xiaozhi check-ports --set <TAB>: expected nothing, got: ${COMPREPLY[*]}"

echo "completion.sh: ok"
