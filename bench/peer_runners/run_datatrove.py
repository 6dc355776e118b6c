"""datatrove, run as its README and examples show: a LocalPipelineExecutor per step over the
corpus's JSON-lines files (two files, two tasks on two workers).

dedup: the four MinHash steps (signatures, buckets, clusters, filter) with MinhashConfig of
word 5-grams and the bands x rows given (128 permutations' worth, datasketch's layout for the
threshold); the ids the filter step excluded.

filters: GopherRepetitionFilter, GopherQualityFilter, C4QualityFilter and FineWebQualityFilter
(English tokenizer: spaCy's blank "en", no download), no language ID (LanguageFilter would
download fastText's lid.176 model at run time); each document's decision and the first
rule that rejected it."""

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
        GopherQualityFilter(exclusion_writer=excluded("gopher_quality")),
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
