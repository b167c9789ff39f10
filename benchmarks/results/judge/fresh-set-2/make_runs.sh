#!/bin/bash
# The second fresh held-out set (issue 9): held-out tweets 250-349, seed 0, judge code frozen at main e417d15
cd /work/wt-fresh2
export PYTHONPATH=/work/wt-fresh2
AR=/work/main/.venv/bin/attack-recipe
run() { name=$1; shift; $AR run --offset 250 --seed 0 --no-validity --out /work/judge-fresh2/runs/$name "$@" > /work/judge-fresh2/runs/$name.log 2>&1; echo "$name rc=$? $(date)" >> /work/judge-fresh2/runs/done.txt; }
if [ "$1" = C ]; then   # started when B had finished
run bert-attack --recipe bert-attack --num-examples 20 --allow-invalid
elif [ "$1" = A ]; then
run textfooler --recipe textfooler --num-examples 100 --allow-invalid
run textfooler-valid --recipe textfooler --num-examples 100
else
run pwws --recipe pwws --num-examples 100 --allow-invalid
run pwws-valid --recipe pwws --num-examples 100
run deepwordbug --recipe deepwordbug --num-examples 50 --allow-invalid
fi
