import sys

from xlner.cli.main import main

sys.exit(main())
