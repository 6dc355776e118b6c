"""datatrove, run as its README and examples show: a LocalPipelineExecutor per step over the
corpus's JSON-lines files (two files, two tasks on two workers).

dedup: the four MinHash steps (signatures, buckets, clusters, filter) with MinhashConfig of
word 5-grams and the bands x rows given (128 permutations' worth, datasketch's layout for the
threshold); the ids the filter step excluded.

filters: GopherRepetitionFilter, GopherQualityFilter, C4QualityFilter and FineWebQualityFilter
(English tokenizer: spaCy's blank "en", no download), no language ID (LanguageFilter would
download fastText's lid.176 model at run time); each document's decision and the first
rule that rejected it.

filters with settings' "alpha_over_words": the same, except that Gopher's alpha rule (80 % of
words hold a letter) counts as words what datatrove's own length rules do, the tokens that are
not all punctuation: GopherQualityFilter runs with that rule off and AlphaOverWords, a filter
of this file on datatrove's tokenizer and punctuation set, applies it right after."""

from __future__ import annotations

import json
from pathlib import Path

from common import arguments, read_jsonl, write_lines
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

TASKS = 2


def run(steps: list, logs: Path, tasks: int = TASKS) -> None:
    """One pipeline on the local executor."""
    LocalPipelineExecutor(pipeline=steps, tasks=tasks, workers=min(tasks, TASKS),
                          logging_dir=str(logs)).run()


def dedup(corpus: Path, work: Path, s: dict) -> list[str]:
    """The four MinHash steps; the ids excluded as duplicates."""
    from datatrove.pipeline.dedup import (
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.dedup.minhash import MinhashConfig

    config = MinhashConfig(n_grams=s["ngram"], num_buckets=s["bands"],
                           hashes_per_bucket=s["rows"])
    reader = JsonlReader(str(corpus / "jsonl"))
    run([reader, MinhashDedupSignature(output_folder=str(work / "sigs"), config=config)],
        work / "logs" / "sigs")
    run([MinhashDedupBuckets(input_folder=str(work / "sigs"), output_folder=str(work / "buckets"),
                             config=config)], work / "logs" / "buckets", tasks=config.num_buckets)
    run([MinhashDedupCluster(input_folder=str(work / "buckets"),
                             output_folder=str(work / "remove_ids"), config=config)],
        work / "logs" / "clusters", tasks=1)
    run([JsonlReader(str(corpus / "jsonl")),
         MinhashDedupFilter(input_folder=str(work / "remove_ids"),
                            exclusion_writer=JsonlWriter(str(work / "removed"), compression=None)),
         JsonlWriter(str(work / "kept"), compression=None)], work / "logs" / "filter")
    return [doc["id"] for doc in read_jsonl(work / "removed")]


def alpha_over_words_filter(writer: JsonlWriter) -> object:
    """Gopher's alpha rule over datatrove's non-punctuation tokens, as a datatrove filter."""
    from datatrove.pipeline.filters.base_filter import BaseFilter
    from datatrove.utils.text import PUNCTUATION_SET, split_into_words

    class AlphaOverWords(BaseFilter):
        name = "Gopher alpha over words"

        def filter(self, doc: object) -> bool | tuple[bool, str]:
            words = [w for w in split_into_words(doc.text, "en")
                     if any(ch not in PUNCTUATION_SET for ch in w)]
            alpha = sum(any(ch.isalpha() for ch in w) for w in words)
            if words and alpha / len(words) < 0.8:
                return False, "gopher_below_alpha_threshold"
            return True

    return AlphaOverWords(exclusion_writer=writer)


def filters(corpus: Path, work: Path, s: dict) -> list[dict]:
    """The four rule sets in one pipeline, each with an exclusion writer; each document's
    decision and the first rule set (and its reason) that rejected it."""
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
    )

    def excluded(name: str) -> JsonlWriter:
        return JsonlWriter(str(work / "rejected" / name), compression=None)

    steps = [
        JsonlReader(str(corpus / "jsonl")),
        GopherRepetitionFilter(exclusion_writer=excluded("gopher_repetition")),
        *([GopherQualityFilter(exclusion_writer=excluded("gopher_quality"),
                               max_non_alpha_words_ratio=None),
           alpha_over_words_filter(excluded("gopher_quality_alpha"))]
          if s.get("alpha_over_words") else
          [GopherQualityFilter(exclusion_writer=excluded("gopher_quality"))]),
        C4QualityFilter(exclusion_writer=excluded("c4_rules"), **s["datatrove_c4"]),
        FineWebQualityFilter(exclusion_writer=excluded("fineweb_rules"),
                             **s["datatrove_fineweb"]),
        JsonlWriter(str(work / "kept"), compression=None),
    ]
    run(steps, work / "logs" / "filters")
    rows = [{"id": d["id"], "keep": True, "stage": None, "reason": None}
            for d in read_jsonl(work / "kept")]
    for folder in sorted((work / "rejected").iterdir()):
        rows += [{"id": d["id"], "keep": False, "stage": folder.name,
                  "reason": d.get("metadata", {}).get("filter_reason")}
                 for d in read_jsonl(folder)]
    return rows


def main() -> None:
    """Run the task; write its result."""
    task, corpus, out, s = arguments()
    work = Path(s["work"])
    result = dedup(corpus, work, s) if task == "dedup" else filters(corpus, work, s)
    write_lines(out, result)
    print(json.dumps({"rows": len(result)}))


if __name__ == "__main__":
    main()
