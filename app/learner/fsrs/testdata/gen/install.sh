#!/bin/sh
# Installs the pinned reference packages (ts-fsrs 5.4.2 and
# @open-spaced-repetition/binding 0.5.0, the fsrs-rs optimizer) into
# node_modules here, for app/learner/fsrs's tests and vector generator.
# Needs node >= 20 and npm. No lock file: the registry mirror lacks the
# binding's other-platform packages, which a lock would need; package.json
# pins exact versions instead.
set -eu
cd "$(dirname "$0")"
npm install --no-audit --no-fund --no-package-lock
