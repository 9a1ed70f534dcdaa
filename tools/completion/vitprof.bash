# SPDX-License-Identifier: MIT
# bash completion for vitprof. Installed as
# share/bash-completion/completions/vitprof (bash-completion loads it on
# first use); or source it from ~/.bashrc.
#
# The commands and each command's options are read from `vitprof --help`
# and `vitprof COMMAND --help` when completing, the way
# tests/clidoc/helpopts.py reads them (test clidoc.completion compares the
# two), so a new command or option needs no edit here. Option values: the
# lists below, else an `OPT a|b|c` in the help text; an option's argument
# named DIR completes directories, FILE or OUT files, anything else (N, T,
# PX, WEIGHT,FILE) nothing.

# _vitprof_help VITPROF [COMMAND]: the help text.
_vitprof_help() {
  "$@" --help 2>/dev/null
}

# _vitprof_commands VITPROF: the commands, one per line.
_vitprof_commands() {
  local line inside=0
  while IFS= read -r line; do
    if [[ $line == commands:* ]]; then
      inside=1
    elif ((inside)); then
      [[ -z ${line// /} ]] && break
      line=${line#"${line%%[! ]*}"}
      printf '%s\n' "${line%% *}"
    fi
  done < <(_vitprof_help "$1")
}

# _vitprof_options VITPROF COMMAND: one line per option, "OPTION ARG"
# (ARG empty when it takes none): the -x and --long words of the usage
# block (the "usage:" line and the lines after it indented by more than two
# spaces) and of the option lines' first column (lines indented by 1 to 8
# spaces starting with '-', up to two spaces in a row), with [ ] | , =
# read as spaces. An option's ARG is the word after it in the usage, or
# the last word of its option column.
_vitprof_options() {
  local line stripped text indent in_usage=0 col_arg i w next
  local -a words
  while IFS= read -r line; do
    stripped=${line#"${line%%[! ]*}"}
    indent=$((${#line} - ${#stripped}))
    col_arg=
    if [[ $line == usage:* ]]; then
      in_usage=1
      text=$line
    elif ((in_usage && indent > 2)); then
      text=$line
    else
      in_usage=0
      if ((indent < 1 || indent > 8)) || [[ $stripped != -* ]]; then
        continue
      fi
      text=${stripped%%  *}
      w=${text##* }
      [[ $w != -* ]] && col_arg=$w
    fi
    read -ra words <<<"${text//[\[\]|,=]/ }"
    for ((i = 0; i < ${#words[@]}; i++)); do
      w=${words[i]}
      [[ $w =~ ^(--[a-z][a-z0-9-]*|-[A-Za-z0-9])$ ]] || continue
      next=${words[i + 1]-}
      if [[ -n $col_arg ]]; then
        next=$col_arg
      elif [[ $next == -* ]]; then
        next=
      fi
      printf '%s %s\n' "$w" "$next"
    done
  done < <(_vitprof_help "$1" "$2")
}

# _vitprof_values COMMAND OPTION HELP: the values of OPTION, one per line.
_vitprof_values() {
  case "$1 $2" in
  "export -f" | "export --format")
    printf '%s\n' vitprof sample-profile link-order link-order-gold callgrind dot csv \
      prometheus folded chrome perfetto
    return ;;
  "merge -f" | "merge --format") printf '%s\n' raw vitprof; return ;;
  esac
  # `OPT a|b|c` or `OPT=a|b|c` in the help text; for -x, that of the long
  # name its option line gives it ("-x, --long ARG")
  local re="(^|[ [])$2[ =]([a-z0-9-]+(\|[a-z0-9-]+)+)" alias="(^|"$'\n'") +$2, (--[a-z0-9-]+)"
  local -a values
  if [[ $3 =~ $re ]]; then
    IFS='|' read -ra values <<<"${BASH_REMATCH[2]}"
    printf '%s\n' "${values[@]}"
  elif [[ $2 == -? && $3 =~ $alias ]]; then
    _vitprof_values "$1" "${BASH_REMATCH[2]}" "$3"
  fi
}

_vitprof() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local vp=${COMP_WORDS[0]} cmd='' i arg opt a
  COMPREPLY=()
  command -v "$vp" >/dev/null 2>&1 || vp=vitprof
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ ${COMP_WORDS[i]} != -* ]]; then
      cmd=${COMP_WORDS[i]}
      break
    fi
  done
  if [[ -z $cmd ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_vitprof_commands "$vp") help --help --version" -- "$cur")
    return
  fi
  if [[ $cmd == help ]]; then
    ((COMP_CWORD == i + 1)) &&
      mapfile -t COMPREPLY < <(compgen -W "$(_vitprof_commands "$vp")" -- "$cur")
    return
  fi
  # the argument of the option before the cursor
  if [[ $prev == -* && $prev != *=* ]]; then
    arg=
    while read -r opt a; do
      [[ $opt == "$prev" ]] && { arg=${a:-none}; break; }
    done < <(_vitprof_options "$vp" "$cmd")
    if [[ -n $arg && $arg != none ]]; then
      local values
      values=$(_vitprof_values "$cmd" "$prev" "$(_vitprof_help "$vp" "$cmd")")
      if [[ -n $values ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$values" -- "$cur")
      elif [[ $arg == DIR ]]; then
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      elif [[ $arg == *FILE* || $arg == OUT* ]]; then
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      fi
      return
    fi
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_vitprof_options "$vp" "$cmd" | cut -d' ' -f1 |
      sort -u) --help" -- "$cur")
    return
  fi
  mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

complete -o filenames -F _vitprof vitprof
