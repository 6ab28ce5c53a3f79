# A real zsh completion in a real zsh line editor (zpty), recorded:
#   zsh -f zsh-complete.zsh <source|fpath> <completion script> <output file> <typed line>
# loads the script (sourced, or as _casctl from a directory on fpath, then compinit), types the
# line and TAB, and writes to the output file every candidate zsh's own matching kept from each
# compadd call (compadd -O) and what it was to show them as (-d, each after `<shown>`), then
# `<end>`, then the line as TAB left it (`<buffer>` and $BUFFER).
zmodload zsh/zpty
local mode=$1 script=$2 out=$3 line=$4
local load="source ${(q)script}"
if [[ $mode == fpath ]]; then
  local dir=$out.fpath
  mkdir -p $dir && cp $script $dir/_casctl
  load="fpath=(${(q)dir} \$fpath)"
fi
zpty casctl zsh -f -i
zpty -w casctl "PS1='' PROMPT_EOL_MARK=''; $load; autoload -Uz compinit; compinit -u -D"
zpty -w casctl "compadd() { builtin compadd -O __got \"\$@\"; print -rl -- \$__got >> ${(q)out}; local -i i=\$argv[(i)-d]; (( i < \$# )) && print -rl -- '<shown>'\${^\${(P)argv[i+1]}} >> ${(q)out}; builtin compadd \"\$@\"; }"
# The wrapper marks the end of the completion; _casctl itself is what the script registered (or fpath autoloads).
zpty -w casctl "compdef '$(print -r -- '_casctl "$@"; print -r -- "<end>" >>') ${(q)out}' casctl"
zpty -w casctl "__dump() { print -r -- \"<buffer>\$BUFFER\" >> ${(q)out} }; zle -N __dump; bindkey '^X' __dump"
zpty -w -n casctl "$line"$'\t'
local i
for i in {1..100}; do
  [[ -f $out ]] && grep -q '^<end>$' $out && break
  sleep 0.1
done
zpty -w -n casctl $'\C-x'
for i in {1..50}; do
  grep -q '^<buffer>' $out 2>/dev/null && break
  sleep 0.1
done
zpty -d casctl
