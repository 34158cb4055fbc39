"""eflomal: the embedded statistical aligner (Bayesian IBM-style, no model weights).

eflomal learns from the text it aligns, so extra bitext of the language pair (e.g.
``bitext:en-de``) is appended to the batch, tokenised the same way; only the batch's links are
returned. Forward and reverse runs go to two single-threaded processes in parallel and are
symmetrised. With a ``seed`` the runs are reproducible: a small shim (compiled once with the
system C compiler) feeds eflomal's random start from the seed.

Options that change what eflomal sees (never the words the links refer to): ``lowercase``;
``truncate=N`` (default 6; 0 for whole words) aligns on the first ``N`` characters of each
(lower-cased) word, which pools inflected and compounded forms (*Parlament*, *Parlaments*,
*Parlamentes*) whose separate counts are too sparse in a small corpus (+2 to +3 F1 on
Europarl-NER, neutral on MasakhaNER; docs/matching.md); ``identity_prior`` (default 1.0; 0 to
disable) adds a lexical prior of that weight for every pair of identical words (as eflomal sees
them: lower-cased, truncated; or identical ``prefix_match``-character prefixes) that occur in
the same sentence pair (names, numbers, cognates); ``unglue`` (default off) aligns a word
made of a short lower-case prefix glued to a capitalised name on the name alone
(*waseUnited* → *United*, *kweChina* → *China*, *n'Awka* → *Awka*): Bantu noun-class and
locative prefixes otherwise make every form of a name a different rare word. ``tokenizer``
(default ``xlner``) splits the extra bitext into words; a word segmenter or a language code
(``zh``, ``ja``, ``th``: :mod:`xlner.corpora.segment`) for scripts without spaces, the same
segmentation as the sentences being aligned. The schedule: ``rel_iterations`` (default 1)
scales the default (``5000/sqrt(pairs)`` fertility-model iterations, a quarter of that for
IBM1 and HMM); ``iterations=[a,b,c]`` gives the three counts themselves.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, ClassVar

import numpy as np

from xlner.align.base import AlignerBase, Words, check_batch
from xlner.align.priors import LearntPriors
from xlner.align.symmetrize import canonical_name, get_method
from xlner.cache import cache_dir
from xlner.corpora.text import Bitext
from xlner.data import Links, empty_links, parse_pharaoh
from xlner.errors import ConfigError, InputError, XlnerError
from xlner.files import file_digest, private_folder, scratch_folder
from xlner.processes import check_stop, dies_with_parent
from xlner.progress import stage
from xlner.registry import aligners

log = logging.getLogger(__name__)

MAX_LENGTH = 1023
"""eflomal's longest sentence (longer ones are written as empty)."""

LONG_PAIR = 200
"""A pair with a side longer than this counts as long for :data:`LONG_WORK`."""
LONG_WORK = 60_000_000
"""Most (source words x target words x iterations) spent on the long pairs of a batch: the
iteration schedule (many iterations for few sentences) is capped so that a handful of
1,000-word sentences align in seconds, not hours. Batches without long pairs keep their
schedule."""


def eflomal_binary() -> Path:
    try:
        import eflomal
    except ImportError as exc:  # pragma: no cover - core dependency
        raise XlnerError("the eflomal package is not installed: pip install eflomal") from exc
    candidate = Path(eflomal.__file__).parent / "bin" / "eflomal"
    if candidate.exists():
        return candidate
    found = shutil.which("eflomal")
    if found:
        return Path(found)
    raise XlnerError("the eflomal binary was not found next to the eflomal package or on PATH")


def seed_shim() -> Path | None:
    """Path of the compiled seeding shim, building it on first use; ``None`` if no compiler.

    The compiler runs in a private folder beside the shim (its own temporary files included:
    ``TMPDIR`` points there) in a process group of its own, and the result is renamed into
    place: an interrupted build kills the whole compiler group and removes the folder, a
    killed one leaves only that folder, which the next build removes. The final name never
    holds a partial file, and nothing is written to the user's folders."""
    source = Path(__file__).with_name("eflomal_seed.c")
    import hashlib

    tag = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    target = cache_dir() / "lib" / f"eflomal_seed-{tag}.so"
    if target.exists():
        return target
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        return None
    build = private_folder(target.parent, BUILD_PREFIX)
    try:
        built = build / target.name
        proc = subprocess.Popen([compiler, "-O2", "-shared", "-fPIC", "-o", str(built),
                                 str(source), "-ldl"], env=dict(os.environ, TMPDIR=str(build)),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            _, err = proc.communicate()
        except BaseException:  # interrupted: stop the compiler and everything it started
            _kill_group(proc)
            raise
        if proc.returncode != 0:
            log.warning("could not compile the eflomal seeding shim: %s",
                        err.decode(errors="replace").strip())
            return None
        os.replace(built, target)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return target


def _iteration_counts(value: object) -> tuple[int, int, int] | None:
    """``iterations`` as three counts (IBM1, HMM, fertility): a sequence of three integers or
    the text a spec gives (``iterations=[10,10,1000]``, ``(10,10,1000)``, ``10:10:1000``)."""
    if value is None:
        return None
    parts: list[object]
    if isinstance(value, str):
        parts = [p.strip() for p in re.split(r"[,:]", value.strip().strip("()[]"))]
    elif isinstance(value, Sequence):
        parts = list(value)
    else:
        parts = [value]
    counts: list[int] = []
    for part in parts:
        if isinstance(part, bool):
            break
        try:
            count = int(part)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            break
        if count < 0 or str(count) != str(part).strip().lstrip("+"):
            break
        counts.append(count)
    if len(counts) != 3 or len(parts) != 3:
        raise ConfigError(f"eflomal iterations must be three non-negative integers (IBM1, HMM, "
                          f"fertility model), e.g. iterations=[10,10,1000], not {value!r}; "
                          "rel_iterations=X scales the default schedule")
    return (counts[0], counts[1], counts[2])


BUILD_PREFIX = ".build-eflomal_seed-"
"""Private build folders of :func:`seed_shim`: ``.build-eflomal_seed-<pid>-<random>``."""


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill ``proc``'s process group (the compiler driver and its passes) and wait until no
    member is left, so that nothing writes into the build folder after it is removed."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while _group_running(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.01)


def _group_running(pgid: int) -> bool:
    """Whether a process of group ``pgid`` still runs (zombies, which write nothing, aside)."""
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


GLUED = re.compile(r"^[^\W\d_A-Z]{1,6}[-'’]?(?=[A-Z])")
"""A glued lower-case prefix of at most 6 letters (and an optional hyphen or apostrophe)
before a capital (Latin capitals only: the prefix test needs a cased script)."""


def unglue(word: str) -> str:
    """The capitalised name inside a prefix-glued word (*waseUnited* → *United*)."""
    m = GLUED.match(word)
    return word[m.end():] if m is not None and m.end() < len(word) else word


class _Vocab:
    def __init__(self, lowercase: bool, truncate: int = 0, unglue: bool = False) -> None:
        self.index: dict[str, int] = {}
        self.lowercase = lowercase
        self.truncate = truncate
        self.unglue = unglue

    def encode(self, words: Words) -> np.ndarray:
        index = self.index
        out = np.empty(len(words), dtype=np.uint32)
        cut = self.truncate
        glued = self.unglue
        for k, word in enumerate(words):
            if glued:
                word = unglue(word)
            if self.lowercase:
                word = word.lower()
            if cut:
                word = word[:cut]
            idx = index.get(word)
            if idx is None:
                idx = index[word] = len(index)
            out[k] = idx
        return out


def _write_text(handle: IO[str], sentences: list[np.ndarray], vocab_size: int) -> None:
    handle.write(f"{len(sentences)} {vocab_size}\n")
    for sent in sentences:
        handle.write(f"{len(sent)} {' '.join(map(str, sent.tolist()))}\n" if len(sent) else "0\n")


@aligners.register
class EflomalAligner(AlignerBase):
    """eflomal (Östling & Tiedemann 2016) with symmetrisation and optional extra bitext."""

    name = "eflomal"
    version = 2
    uses_bitext = True
    directional = True
    max_words = MAX_LENGTH
    setting_attrs: ClassVar[Mapping[str, str]] = {"priors": "priors_digest"}
    hidden_settings = frozenset({"data_dir", "download", "one_core"})
    lowercase: bool
    seed: int | None
    model: int
    samplers: int
    rel_iterations: float
    null_prior: float
    iterations: tuple[int, int, int] | None
    max_bitext: int | None
    identity_prior: float
    prefix_match: int
    truncate: int
    data_dir: str | Path | None
    download: bool

    def __init__(self, symmetrize: str = "grow-diag-final-and",
                 bitext: str | Path | Bitext | Sequence[str | Path] | None = None,
                 *, lowercase: bool = True, seed: int | None = 0, model: int = 3,
                 samplers: int = 3, rel_iterations: float = 1.0, null_prior: float = 0.2,
                 iterations: tuple[int, int, int] | None = None, max_bitext: int | None = None,
                 identity_prior: float = 1.0, prefix_match: int = 0, truncate: int = 6,
                 unglue: bool = False, tokenizer: str = "xlner",
                 data_dir: str | Path | None = None, download: bool = True,
                 priors: str | Path | None = None, priors_scale: float = 1.0,
                 priors_lex_only: bool = False, one_core: bool = False,
                 flores: bool = False, anchor_prior: float = 0.0) -> None:
        self.symmetrize = canonical_name(symmetrize)
        self._sym = get_method(self.symmetrize)
        if model not in (1, 2, 3):
            raise ConfigError(f"eflomal model must be 1, 2 or 3, not {model}")
        if not isinstance(truncate, int) or truncate < 0:
            raise ConfigError(f"eflomal truncate must be a non-negative integer, not {truncate!r}")
        self.unglue = bool(unglue)
        self.iterations = _iteration_counts(iterations)
        self.priors = None if priors is None else str(priors)
        """eflomal priors learnt beforehand (:mod:`xlner.align.priors`), added per batch."""
        if priors_scale <= 0:
            raise ConfigError(f"eflomal priors_scale must be positive, not {priors_scale!r}")
        self.priors_scale = float(priors_scale)
        """Weight of the learnt counts (1: the learnt run's counts as they are)."""
        self.priors_lex_only = bool(priors_lex_only)
        """Leave the learnt HMM jump and fertility priors out."""
        self._one_core = bool(one_core)
        """Run the two directions one after the other (a sharded task holds one core); the
        links are the same either way."""
        from xlner.corpora.text import get_tokenizer

        get_tokenizer(tokenizer)  # validates the name (and that its segmenter is installed)
        self._tokenizer = tokenizer
        self.keep(locals())  # lowercase, seed, model, ..., data_dir, download as given
        self._bitext_spec = bitext
        self._bitext: Bitext | None = bitext if isinstance(bitext, Bitext) else None
        self.flores = bool(flores)
        """Add FLORES-200 devtest of the bitext's language as extra bitext where the data
        directory has it (:mod:`xlner.align.flores`); ``max_bitext`` does not count it."""
        self._flores: Bitext | bool | None = False  # False: not looked up yet
        if anchor_prior < 0:
            raise ConfigError(f"eflomal anchor_prior must be >= 0, not {anchor_prior!r}")
        self.anchor_prior = float(anchor_prior)
        """Weight of the lexical priors from orthographic anchors (0: none;
        :mod:`xlner.align.anchor_priors`)."""
        self.last_forward: list[Links] = []
        self.last_reverse: list[Links] = []
        self._learnt_cache: tuple[tuple[str, int, int], LearntPriors] | None = None

    @property
    def bitext(self) -> Bitext | None:
        """The extra bitext, loaded on first use."""
        if self._bitext is None and self._bitext_spec is not None:
            from xlner.corpora.named import load_bitext

            specs = ([self._bitext_spec] if isinstance(self._bitext_spec, str | Path)
                     else list(self._bitext_spec))  # type: ignore[arg-type]
            # with max_bitext, only the pairs kept are read (and tokenised)
            self._bitext = load_bitext(specs, data_dir=self.data_dir, download=self.download,
                                       tokenizer=self._tokenizer, limit=self.max_bitext,
                                       max_words=None if self.max_bitext is None
                                       else MAX_LENGTH)
        return self._bitext

    @property
    def priors_digest(self) -> str | None:
        """The digest of the priors file (what the description records of it)."""
        return None if self.priors is None else file_digest(self.priors)

    def shows(self, setting: str) -> bool:
        """The priors settings only with priors, the tokenizer only when it is not
        ``xlner`` (descriptions from before these settings stay the same)."""
        if setting in ("priors", "priors_scale", "priors_lex_only"):
            return self.priors is not None
        return setting != "tokenizer" or self._tokenizer != "xlner"

    def _named_specs(self) -> list[str | Path]:
        spec = self._bitext_spec
        if spec is None or isinstance(spec, Bitext):
            return []
        return [spec] if isinstance(spec, str | Path) else list(spec)

    def _flores_files(self) -> list[tuple[Path, Path]]:
        if not self.flores:
            return []
        from xlner.align.flores import flores_pairs

        return flores_pairs(self._named_specs(), data_dir=self.data_dir, download=self.download)

    @property
    def flores_bitext(self) -> Bitext | None:
        """FLORES-200 devtest of the bitext's language, read on first use (``None``: off, not
        in the data directory, or already in the bitext)."""
        if self._flores is False:
            from xlner.corpora.text import read_bitext

            pairs = self._flores_files()
            self._flores = read_bitext(pairs, tokenizer=self._tokenizer, name="flores200",
                                       max_words=MAX_LENGTH) if pairs else None
        return self._flores if isinstance(self._flores, Bitext) else None

    def describe(self) -> dict[str, Any]:
        bitext = self.bitext
        flores = self.flores_bitext
        return {"name": self.name, "version": self.version, "symmetrize": self.symmetrize,
                "lowercase": self.lowercase, "seed": self.seed, "model": self.model,
                "samplers": self.samplers, "rel_iterations": self.rel_iterations,
                "null_prior": self.null_prior, "iterations": self.iterations,
                "identity_prior": self.identity_prior, "prefix_match": self.prefix_match,
                "truncate": self.truncate, "unglue": self.unglue,
                "bitext": None if bitext is None else bitext.describe(),
                "max_bitext": self.max_bitext,
                **({"flores": flores.describe()} if flores is not None else {}),
                **({"priors": file_digest(self.priors), "priors_scale": self.priors_scale,
                    "priors_lex_only": self.priors_lex_only} if self.priors else {}),
                **({"anchor_prior": self.anchor_prior} if self.anchor_prior else {}),
                **({"tokenizer": self._tokenizer} if self._tokenizer != "xlner" else {})}

    def identity(self) -> dict[str, Any]:
        """What the links depend on, as :meth:`describe` but with the bitext identified by its
        files' digests: computed without reading (tokenising) the bitext, for
        :class:`~xlner.align.store.AlignmentStore` keys."""
        out = self.describe_settings()
        spec = self._bitext_spec
        if isinstance(spec, Bitext):
            out["bitext"] = spec.describe()
        elif spec is not None:
            from xlner.corpora.named import bitext_files

            specs = [spec] if isinstance(spec, str | Path) else list(spec)
            out["bitext"] = {"specs": [str(x) for x in specs], "tokenizer": self._tokenizer,
                             "files": [
                [p.name, file_digest(p)] for pair in bitext_files(
                    specs, data_dir=self.data_dir, download=self.download) for p in pair]}
        flores = self._flores_files()
        if flores:
            out["flores"] = [[p.name, file_digest(p)] for pair in flores for p in pair]
        return out

    def describe_settings(self) -> dict[str, Any]:
        """:meth:`describe` without the bitext."""
        return {"name": self.name, "version": self.version, "symmetrize": self.symmetrize,
                "lowercase": self.lowercase, "seed": self.seed, "model": self.model,
                "samplers": self.samplers, "rel_iterations": self.rel_iterations,
                "null_prior": self.null_prior, "iterations": self.iterations,
                "identity_prior": self.identity_prior, "prefix_match": self.prefix_match,
                "truncate": self.truncate, "unglue": self.unglue, "bitext": None,
                "max_bitext": self.max_bitext,
                **({"priors": file_digest(self.priors), "priors_scale": self.priors_scale,
                    "priors_lex_only": self.priors_lex_only} if self.priors else {}),
                **({"anchor_prior": self.anchor_prior} if self.anchor_prior else {}),
                **({"tokenizer": self._tokenizer} if self._tokenizer != "xlner" else {})}

    def _iterations(self, n_sentences: int, long_cells: int = 0) -> tuple[int, int, int]:
        """The iterations of each model; ``long_cells`` (the sum of source x target lengths
        over the long pairs) caps them at :data:`LONG_WORK`."""
        if self.iterations is not None:
            return self.iterations
        iters = max(2, round(self.rel_iterations * 5000 / math.sqrt(max(1, n_sentences))))
        if long_cells:
            iters = max(2, min(iters, LONG_WORK // long_cells))
        quarter = max(1, iters // 4)
        if self.model == 1:
            return (iters, 0, 0)
        if self.model == 2:
            return (max(2, quarter), iters, 0)
        return (max(2, quarter), quarter, iters)

    def align_both(self, src: Sequence[Words], tgt: Sequence[Words]) -> tuple[list[Links],
                                                                               list[Links]]:
        """Forward and reverse links of the batch, before symmetrisation."""
        fwd, rev, _, _ = self.align_with_bitext(src, tgt, first=len(src))
        return fwd, rev

    def align_with_bitext(self, src: Sequence[Words], tgt: Sequence[Words],
                          first: int | None = None
                          ) -> tuple[list[Links], list[Links], list[Words], list[Words]]:
        """Forward and reverse links of the batch followed by the extra bitext aligned with
        it (the first ``first`` pairs' only, if given), and the extra pairs themselves."""
        check_batch(src, tgt)
        for side, batch in (("source", src), ("target", tgt)):
            for k, words in enumerate(batch):
                if len(words) > MAX_LENGTH:
                    raise InputError(f"{side} sentence {k} has {len(words)} words; eflomal "
                                     f"aligns at most {MAX_LENGTH}")
        extra_src: Sequence[Words] = []
        extra_tgt: Sequence[Words] = []
        bitext = self.bitext
        if bitext is not None:
            keep = [k for k in range(len(bitext))
                    if len(bitext.source[k]) <= MAX_LENGTH and len(bitext.target[k]) <= MAX_LENGTH]
            if self.max_bitext is not None:
                keep = keep[:self.max_bitext]
            extra_src = [bitext.source[k] for k in keep]
            extra_tgt = [bitext.target[k] for k in keep]
        flores = self.flores_bitext if bitext is not None else None
        if flores is not None:
            extra_src = [*extra_src, *flores.source]
            extra_tgt = [*extra_tgt, *flores.target]
        sv = _Vocab(self.lowercase, self.truncate, self.unglue)
        tv = _Vocab(self.lowercase, self.truncate, self.unglue)
        src_ids = [sv.encode(s) for s in src] + [sv.encode(s) for s in extra_src]
        tgt_ids = [tv.encode(s) for s in tgt] + [tv.encode(s) for s in extra_tgt]
        n = len(src_ids) if first is None else min(first, len(src))
        if n == 0:
            return [], [], list(extra_src), list(extra_tgt)
        long_cells = sum(len(s) * len(t) for s, t in zip(src_ids, tgt_ids, strict=True)
                         if max(len(s), len(t)) > LONG_PAIR)
        iters = self._iterations(len(src_ids), long_cells)
        binary = eflomal_binary()
        env = dict(os.environ)
        if self.seed is not None:
            shim = seed_shim()
            if shim is None:
                raise XlnerError("a seeded eflomal run needs a C compiler (cc) to build its "
                                 "seeding shim; install one or pass seed=None")
            env["LD_PRELOAD"] = f"{shim} {env['LD_PRELOAD']}" if env.get("LD_PRELOAD") \
                else str(shim)
            env["XLNER_EFLOMAL_SEED"] = str(self.seed)
            env["OMP_NUM_THREADS"] = "1"
        else:
            env.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 2) // 2)))
        learnt = self._learnt() if self.priors else None
        # with learnt priors, one extra word on each side that never occurs holds the prior
        # mass of the words absent from the batch (eflomal's denominators stay the whole run's)
        spare = 1 if learnt is not None else 0
        with scratch_folder("xlner-eflomal-") as tmp:  # a killed run's: swept by the next
            s_path, t_path = Path(tmp, "src"), Path(tmp, "tgt")
            with open(s_path, "w") as h:
                _write_text(h, src_ids, len(sv.index) + spare)
            with open(t_path, "w") as h:
                _write_text(h, tgt_ids, len(tv.index) + spare)
            priors_args: dict[str, list[str]] = {"-f": [], "-r": []}
            if self.identity_prior > 0 or self.priors or self.anchor_prior > 0:
                p_path = Path(tmp, "priors")
                anchors: set[tuple[int, int]] = set()
                if self.anchor_prior > 0:
                    from xlner.align.anchor_priors import anchor_links

                    words_src, words_tgt = [*src, *extra_src], [*tgt, *extra_tgt]
                    anchors = {(int(src_ids[k][i]), int(tgt_ids[k][j]))
                               for k, i, j in anchor_links(words_src, words_tgt)}
                if learnt is None:
                    self._write_priors(p_path, src_ids, tgt_ids, sv, tv, anchors)
                    priors_args = {"-f": ["-p", str(p_path)], "-r": ["-p", str(p_path)]}
                else:  # learnt lexical counts differ by direction: one file each
                    for flag, reverse in (("-f", False), ("-r", True)):
                        path = Path(tmp, f"priors{flag}")
                        self._write_priors(path, src_ids, tgt_ids, sv, tv, anchors,
                                           learnt=learnt, reverse=reverse)
                        priors_args[flag] = ["-p", str(path)]
            common = [str(binary), "-q", "-m", str(self.model), "-s", str(s_path),
                      "-t", str(t_path), "-n", str(self.samplers), "-N", str(self.null_prior),
                      "-1", str(iters[0])]
            if self.model >= 2:
                common += ["-2", str(iters[1])]
            if self.model >= 3:
                common += ["-3", str(iters[2])]
            outputs = {"-f": Path(tmp, "fwd"), "-r": Path(tmp, "rev")}
            with stage(f"eflomal: aligning {n} sentence pairs"):
                procs: list[subprocess.Popen[bytes]] = []
                results: list[tuple[bytes, bytes]] = []
                waves = ([[k] for k in outputs] if self._one_core else [list(outputs)])
                try:
                    for wave in waves:
                        # a killed driver takes its eflomal runs with it (Linux)
                        started = []
                        for flag in wave:  # each kept at once: an interrupt stops them all
                            started.append(subprocess.Popen(
                                [*common, *priors_args[flag], flag, str(outputs[flag])],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                preexec_fn=dies_with_parent()))
                            procs.append(started[-1])
                            check_stop()  # a signal during the fork is swallowed by Python
                        results += [proc.communicate() for proc in started]
                except BaseException:  # interrupted (SIGINT, SIGTERM): no orphaned eflomal runs
                    for proc in procs:
                        proc.kill()
                    for proc in procs:
                        proc.wait()
                    raise
            for proc, (_, err) in zip(procs, results, strict=True):
                if proc.returncode != 0:
                    raise XlnerError(f"eflomal failed (exit {proc.returncode}): "
                                     f"{err.decode(errors='replace').strip()}")
            fwd = _read_links(outputs["-f"], n)
            rev = _read_links(outputs["-r"], n)
        return fwd, rev, list(extra_src), list(extra_tgt)

    def _learnt(self) -> LearntPriors:
        """The learnt priors file, read once per aligner (shards reuse their aligner)."""
        assert self.priors is not None
        stat = os.stat(self.priors)
        stamp = (self.priors, stat.st_mtime_ns, stat.st_size)
        if self._learnt_cache is None or self._learnt_cache[0] != stamp:
            from xlner.align.priors import read_priors

            self._learnt_cache = (stamp, LearntPriors(read_priors(self.priors)))
        return self._learnt_cache[1]

    def _write_priors(self, path: Path, src_ids: list[np.ndarray], tgt_ids: list[np.ndarray],
                      sv: _Vocab, tv: _Vocab, anchors: set[tuple[int, int]] | None = None,
                      *, learnt: LearntPriors | None = None, reverse: bool = False) -> None:
        """eflomal's priors file for the batch: identity and anchor pairs, plus ``learnt``
        priors (one file per direction: ``reverse`` takes the reverse links' counts; the
        words after the batch's vocabularies hold the mass of absent words)."""
        inv_s = {v: k for k, v in sv.index.items()}
        inv_t = {v: k for k, v in tv.index.items()}
        def key(w: str) -> str:
            return w[:self.prefix_match] if self.prefix_match and len(w) >= self.prefix_match else w
        pairs: set[tuple[int, int]] = set()
        for s, t in zip(src_ids, tgt_ids, strict=True):
            if not len(s) or not len(t):
                continue
            tk: dict[str, list[int]] = {}
            for j in set(t.tolist()):
                w = inv_t[j]
                if any(c.isalnum() for c in w):
                    tk.setdefault(key(w), []).append(j)
            for i in set(s.tolist()):
                for j in tk.get(key(inv_s[i]), ()):
                    pairs.add((i, j))
        lex: dict[tuple[int, int], float] = {}
        if self.identity_prior > 0:
            lex = {p: float(self.identity_prior) for p in pairs}
        for p in anchors or ():
            lex[p] = max(lex.get(p, 0.0), self.anchor_prior)
        if learnt is None:
            with open(path, "w") as h:
                h.write(f"{len(sv.index) + 1} {len(tv.index) + 1} {len(lex)} 0 0 0 0\n")
                for (i, j), alpha in sorted(lex.items()):
                    h.write(f"{i + 1} {j + 1} {alpha:g}\n")
            return
        scale = self.priors_scale
        spare_s, spare_t = len(sv.index), len(tv.index)
        table, totals = learnt.direction(reverse)
        present: dict[str, float] = {}
        for (s_word, t_word), count in table.items():
            i, j = sv.index.get(s_word), tv.index.get(t_word)
            if i is not None and j is not None:
                lex[(i, j)] = lex.get((i, j), 0.0) + count * scale
                cond = t_word if reverse else s_word
                present[cond] = present.get(cond, 0.0) + count
        # the mass of the conditioning word's translations absent from the batch
        for cond, total in totals.items():
            idx = (tv if reverse else sv).index.get(cond)
            rest = total - present.get(cond, 0.0)
            if idx is not None and rest > 0:
                lex[(spare_s, idx) if reverse else (idx, spare_t)] = rest * scale
        hmmf, hmmr = ({}, {}) if self.priors_lex_only else (learnt.priors.hmmf,
                                                            learnt.priors.hmmr)
        ferf = {} if self.priors_lex_only else {
            (sv.index[w], n): a for (w, n), a in learnt.priors.ferf.items() if w in sv.index}
        ferr = {} if self.priors_lex_only else {
            (tv.index[w], n): a for (w, n), a in learnt.priors.ferr.items() if w in tv.index}
        with open(path, "w") as h:
            h.write(f"{len(sv.index) + 2} {len(tv.index) + 2} {len(lex)} {len(hmmf)} "
                    f"{len(hmmr)} {len(ferf)} {len(ferr)}\n")
            for (i, j), alpha in sorted(lex.items()):
                h.write(f"{i + 1} {j + 1} {alpha:g}\n")
            for jumps in (hmmf, hmmr):
                for jump, alpha in sorted(jumps.items()):
                    h.write(f"{jump} {alpha * scale:g}\n")
            for fert in (ferf, ferr):
                for (i, n), alpha in sorted(fert.items()):
                    h.write(f"{i + 1} {n} {alpha * scale:g}\n")

    def align(self, src: Sequence[Words], tgt: Sequence[Words]) -> list[Links]:
        fwd, rev = self.align_both(src, tgt)
        self.last_forward, self.last_reverse = fwd, rev
        return [self._sym(f, r) for f, r in zip(fwd, rev, strict=True)]


def _read_links(path: Path, n: int) -> list[Links]:
    out: list[Links] = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            out.append(parse_pharaoh(line) if line.strip() else empty_links())
            if len(out) == n:
                break
    if len(out) != n:
        raise XlnerError(f"eflomal wrote {len(out)} link lines for {n} sentence pairs")
    return out
