"""The translator protocol: a batch of sentences, source and target language → translations.

Defined in :mod:`xlner.protocols` (below every layer) and re-exported here.
"""

from __future__ import annotations

from xlner.protocols import Translator as Translator
