# LabBox login shells: a short prompt, colours, and where the course's tools are.
export PS1='\u@\h:\w\$ '
export EDITOR=vi
alias ls='ls --color=auto'
alias ll='ls -l'
