#!/usr/bin/env bash
# Renders every man page without a warning and checks each documents every long option of its
# command's --help. Usage: manpages.sh BINARY SOURCE_DIR
set -euo pipefail
binary=$1
source_dir=$2
status=0

fail() {
    echo "manpages.sh: $*" >&2
    status=1
}

pages=("$source_dir"/man/*.1)
[[ -e ${pages[0]} ]] || { echo "manpages.sh: no man pages in $source_dir/man" >&2; exit 1; }

for page in "${pages[@]}"; do
    warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || fail "groff failed on $page"
    [[ -z $warnings ]] || fail "groff warnings for $page:"$'\n'"$warnings"
done

# The long options a --help output shows: "--name" at the start of an option line.
long_options() {
    "$binary" "$@" --help | grep -oE '^ +(-[a-zA-Z], ?)?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+' | sort -u
}

check_page() {
    local page=$1
    shift
    [[ -f $page ]] || { fail "missing page $page"; return; }
    local options
    options=$(long_options "$@") || { fail "'$binary $* --help' failed"; return; }
    [[ -n $options ]] || { fail "no options found in '$binary $* --help'"; return; }
    local option escaped
    for option in $options; do
        escaped=${option//-/\\-}
        if ! grep -qF -- "$escaped" "$page" && ! grep -qF -- "$option" "$page"; then
            fail "$(basename "$page") does not document $option"
        fi
    done
}

check_page "$source_dir/man/xiaozhi.1"
# Every visible subcommand has its page, and the page documents every long option of its --help.
commands=$("$binary" --help | sed -n '/^Subcommands:/,/^$/p' | grep -oE '^ +[a-z][a-z-]*' | tr -d ' ')
[[ -n $commands ]] || fail "no subcommands found in '$binary --help'"
for command in $commands; do
    check_page "$source_dir/man/xiaozhi-$command.1" "$command"
done

[[ $status -eq 0 ]] && echo "manpages.sh: ok"
exit $status
