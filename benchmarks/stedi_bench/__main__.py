"""`python -m stedi_bench ARGS` = `stedi bench ARGS`."""

import sys

from stedi_bench.bench import main

sys.exit(main())
