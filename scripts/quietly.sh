# Sourced by the scripts (bash): `quietly CMD ARGS...` runs CMD with its output (stdout and
# stderr) held in a variable, and shows it on stderr only if CMD fails; returns CMD's status.
# It stands in for redirecting to the null device, which as root would create a regular file
# if that device were ever replaced by one.
quietly() {
    local output status=0
    output=$("$@" 2>&1) || status=$?
    [ "$status" -eq 0 ] || [ -z "$output" ] || printf '%s\n' "$output" >&2
    return "$status"
}
