import { COMPLETE_OU_COMMAND } from './complete-ou-command.js';
import { declaredTables, PROGRAM_KEY, scriptTables, type TableSyntax } from './script-values.js';
import { shellCode, singleQuote } from './shell-code.js';
import type { CompletionSpec } from './spec.js';

const BASH_TABLES: TableSyntax = {
  array: (name, words) => `${name}=(${words.map(singleQuote).join(' ')})`,
  // -g: global even when bash-completion's loader sources the file inside a function.
  map: (name, table) => `declare -gA ${name}=(\n${[...table].map(([key, value]) => `  [${singleQuote(key)}]=${singleQuote(value)}`).join('\n')}\n)`,
};

// The logic is the same for every program definition; only the tables above it are generated.
const FUNCTIONS = shellCode`
# The word as the command will get it: quotes and backslashes taken away, nothing expanded.
__casctl_dequote() {
  local word=$1 out='' quote='' c n i
  for ((i = 0; i < $\{#word}; i++)); do
    c=$\{word:i:1}
    if [[ $quote == "'" ]]; then
      if [[ $c == "'" ]]; then quote=''; else out+=$c; fi
    elif [[ $c == '\' ]]; then
      n=$\{word:i+1:1}
      if [[ -z $quote || $n == [\$\`\"\\] ]]; then out+=$n; ((i++)); else out+=$c; fi
    elif [[ -n $quote ]]; then
      if [[ $c == "$quote" ]]; then quote=''; else out+=$c; fi
    elif [[ $c == "'" || $c == '"' ]]; then
      quote=$c
    else
      out+=$c
    fi
  done
  REPLY=$out
}

# What follows an option of a command (or of the program): REPLY, a code of the tables, and
# __casctl_long, the long option; false for an option without a value. A PowerShell parameter
# (-OrganizationalUnit) names the long option normalise-argv makes of it.
__casctl_option_code() {
  __casctl_long=$2
  if [[ $2 =~ ^-[A-Za-z][A-Za-z0-9]+$ ]]; then
    REPLY=$\{2#-}
    __casctl_long=$\{__casctl_parameters[$\{REPLY,,}]-$2}
  fi
  REPLY=$\{__casctl_option_values["$1 $__casctl_long"]-$\{__casctl_option_values["${PROGRAM_KEY} $__casctl_long"]-}}
  [[ -n $REPLY ]]
}

# The words of the line as the shell reads them: bash splits COMP_WORDS at COMP_WORDBREAKS too
# (--store=x, sqlite:/x, -PopEnabled:$false), so words with no white space between are one again.
# Sets __casctl_words and __casctl_cword.
__casctl_split() {
  local line=$COMP_LINE space i
  __casctl_words=() __casctl_cword=0
  for ((i = 0; i < $\{#COMP_WORDS[@]}; i++)); do
    space=$\{line%%[![:space:]]*}
    line=$\{line#"$space"}
    if ((i > 0)) && [[ -z $space ]]; then
      __casctl_words[-1]+=$\{COMP_WORDS[i]}
    else
      __casctl_words+=("$\{COMP_WORDS[i]}")
    fi
    line=$\{line#"$\{COMP_WORDS[i]}"}
    ((i == COMP_CWORD)) && __casctl_cword=$(($\{#__casctl_words[@]} - 1))
  done
}

# COMPREPLY += the words that start with the text typed ($1, dequoted).
__casctl_add_matching() {
  local cur=$1 word
  shift
  for word in "$@"; do
    [[ $word == "$cur"* ]] && COMPREPLY+=("$word")
  done
}

# The OU names of the store casctl would open, with the --store and --config given on the line.
__casctl_ous() {
  local program=$1
  shift
  [[ $program == '~/'* ]] && program=$HOME/$\{program#'~/'}
  "$program" "$@" ${COMPLETE_OU_COMMAND} 2>/dev/null </dev/null
}

# Offers the values a code names for the text typed ($2); $1 is the code, the rest the program and its global options.
__casctl_offer() {
  local code=$1 typed=$2 cur words line i
  __casctl_dequote "$typed"
  cur=$REPLY
  shift 2
  case $code in
    [fd])
      # Readline quotes the file names it inserts.
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen "-$code" -- "$cur")
      return
      ;;
    [wo]' '*)
      read -r -a words <<<"$\{code#? }"
      __casctl_add_matching "$cur" "$\{words[@]}"
      if [[ $code == o* ]]; then
        while IFS= read -r line; do
          [[ $line == "$cur"* ]] && COMPREPLY+=("$line")
        done < <(__casctl_ous "$@")
      fi
      ;;
  esac
  case $typed in
    "'"*)
      # In an open single quote every character stands for itself: readline closes the quote after the match.
      compopt -o filenames 2>/dev/null
      ;;
    '"'*)
      for i in "$\{!COMPREPLY[@]}"; do
        line=$\{COMPREPLY[i]//\\/\\\\}
        line=$\{line//\$/\\\$}
        line=$\{line//\"/\\\"}
        COMPREPLY[i]=$\{line//\`/\\\`}
      done
      ;;
    *)
      # Quoted here, not by readline, which leaves a $ as it is: an unquoted $false is nothing to the shell.
      for i in "$\{!COMPREPLY[@]}"; do printf -v 'COMPREPLY[i]' %q "$\{COMPREPLY[i]}"; done
      ;;
  esac
}

_casctl() {
  COMPREPLY=()
  local __casctl_words __casctl_cword __casctl_long cur option='' command='' expect='' word i positional=0 rest=''
  __casctl_split
  cur=$\{__casctl_words[__casctl_cword]}
  local -a helper=("$\{__casctl_words[0]}")
  # --output=js, -PopEnabled:$f: the value after the = or : is completed (readline's word starts there).
  if [[ $cur == --*=* ]]; then
    option=$\{cur%%=*} cur=$\{cur#*=}
  elif [[ $cur =~ ^-[A-Za-z][A-Za-z0-9]+: ]]; then
    option=$\{cur%%:*} cur=$\{cur#*:}
  fi
  for ((i = 1; i < __casctl_cword; i++)); do
    word=$\{__casctl_words[i]}
    if [[ -n $expect ]]; then
      if [[ $expect == --store || $expect == --config ]]; then
        __casctl_dequote "$word"
        helper+=("$expect=$REPLY")
      fi
      expect=''
    elif [[ -z $rest && $word == -* ]]; then
      if [[ $word == -- ]]; then
        rest=1
      elif [[ $word == *[=:]* ]]; then
        # An option and its value in one word.
        __casctl_dequote "$word"
        [[ $word == --store=* || $word == --config=* ]] && helper+=("$REPLY")
      elif __casctl_option_code "$command" "$word"; then
        expect=$__casctl_long
      fi
    elif [[ -z $command ]]; then
      # casctl reads a command in any case: Get-CASMailbox is get-casmailbox.
      command=$\{word,,}
      [[ -n $\{__casctl_names[$command]-} ]] || return 0
    else
      ((positional++))
    fi
  done
  [[ -z $option ]] && option=$expect
  if [[ -n $option ]] && __casctl_option_code "$command" "$option"; then
    __casctl_offer "$REPLY" "$cur" "$\{helper[@]}"
  elif [[ -z $rest && $cur == -* ]]; then
    local -a flags
    read -r -a flags <<<"$\{__casctl_options[${PROGRAM_KEY}]} $\{command:+$\{__casctl_options[$command]}}"
    __casctl_add_matching "$cur" "$\{flags[@]}"
  elif [[ -z $command ]]; then
    __casctl_add_matching "$cur" "$\{__casctl_spellings[@]}"
  else
    local code=$\{__casctl_argument_values["$command $positional"]-$\{__casctl_argument_values["$command *"]-}}
    [[ -n $code ]] && __casctl_offer "$code" "$cur" "$\{helper[@]}"
  fi
  return 0
}

complete -F _casctl casctl
`;

/** `casctl completion bash`: tables from the program, and the function that reads them. */
export function bashScript(spec: CompletionSpec): string {
  return `# bash completion for casctl, generated by \`casctl completion bash\` from casctl's own command definitions.
# Load it from ~/.bashrc with: source <(casctl completion bash)
# or for every user: casctl completion bash > /etc/bash_completion.d/casctl
# Needs bash 4.2 or later; works with or without the bash-completion package.

${declaredTables(scriptTables(spec), BASH_TABLES)}
${FUNCTIONS}`;
}
