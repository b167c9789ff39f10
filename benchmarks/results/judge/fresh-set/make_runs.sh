#!/bin/bash
# Builds the fresh held-out runs (issue 9 step 3): held-out tweets 150-249, seed 0.
# frozen judge code (main e80ad5c, detached worktree): the set must not depend on the rules being changed
cd /work/wt-fresh-base
export PYTHONPATH=/work/wt-fresh-base
AR=/work/main/.venv/bin/attack-recipe
run() { name=$1; shift; $AR run --offset 150 --seed 0 --no-validity --out /work/judge-fresh/runs/$name "$@" > /work/judge-fresh/runs/$name.log 2>&1; echo "$name rc=$? $(date)" >> /work/judge-fresh/runs/done.txt; }
if [ "$1" = A ]; then
run textfooler --recipe textfooler --num-examples 100 --allow-invalid
run deepwordbug --recipe deepwordbug --num-examples 100 --allow-invalid
run textfooler-valid --recipe textfooler --num-examples 100
else
run pwws --recipe pwws --num-examples 100 --allow-invalid
run pwws-valid --recipe pwws --num-examples 100
run bert-attack --recipe bert-attack --num-examples 50 --allow-invalid
fi
