"""The `finetune` command: train one model, run an ablation, classify a corpus."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from curate.params import parse_value
from finetune.config import FinetuneConfig

# FinetuneConfig fields offered as --options on `train` and `ablate` (flag: --field-name).
TRAINING_OPTIONS = [
    "backend",
    "model",
    "text_column",
    "label_column",
    "eval_fraction",
    "epochs",
    "max_steps",
    "batch_size",
    "grad_accum",
    "lr",
    "max_length",
    "early_stopping_patience",
    "report_to",
    "max_train_examples",
]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `finetune` console script; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (ValueError, FileNotFoundError, OSError) as exc:
        print(f"finetune: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        # curate's own errors (bad shards, missing columns) carry their exit code.
        code = getattr(exc, "exit_code", None)
        if code is None:
            raise
        print(f"finetune: error: {exc}", file=sys.stderr)
        return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="finetune", description="Classification fine-tuning and curation ablations."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    predict = commands.add_parser("predict", help="classify a corpus with a trained model")
    predict.add_argument("--adapter", required=True, help="folder of a saved model")
    predict.add_argument("--input", required=True, help="corpus: Parquet, JSONL, folder or glob")
    predict.add_argument("--out", required=True, help="output Parquet file")
    predict.add_argument("--text-column", default="text")
    predict.add_argument("--model", default=None, help="base model folder (LoRA), if moved")
    predict.add_argument("--batch-size", type=int, default=64)
    predict.set_defaults(handler=_predict)

    train = commands.add_parser("train", help="train one model and save it")
    train.add_argument("--train", required=True, help="training corpus")
    train.add_argument("--out", required=True, help="folder for the model and metrics.json")
    train.add_argument("--seed", type=int, default=0)
    _add_common(train)
    train.set_defaults(handler=_train)

    ablate = commands.add_parser("ablate", help="raw vs curated (vs random) over seeds")
    ablate.add_argument("--raw", required=True, help="raw corpus (the pipeline's input)")
    ablate.add_argument("--curated", required=True, help="curated corpus or run folder")
    ablate.add_argument("--random", action="store_true", help="add the random-subset arm")
    ablate.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ablate.add_argument("--out", required=True, help="ablation.json, or a folder for it")
    ablate.add_argument("--save-models", action="store_true")
    _add_common(ablate)
    ablate.set_defaults(handler=_ablate)
    return parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    """Evaluation-set and training options shared by `train` and `ablate`."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--eval", dest="eval_path", help="fixed evaluation set")
    source.add_argument(
        "--clean", dest="clean_path", help="clean set to split into eval/validation"
    )
    parser.add_argument("--extend-vocab", action="store_true",
                        help="lora: add missing characters (as --set lora.extend_vocab=true)")
    parser.add_argument("--set", dest="tables", action="append", default=[],
                        metavar="BACKEND.KEY=VALUE",
                        help="a backend's own parameter, e.g. fasttext.dim=50 or lora.r=16 "
                        "(repeatable)")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    defaults = FinetuneConfig()
    for name in TRAINING_OPTIONS:
        default = getattr(defaults, name)
        kind = type(default) if default is not None else str
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, type=kind, default=default)


def _config(args: argparse.Namespace, **extra: object) -> FinetuneConfig:
    values = {name: getattr(args, name) for name in TRAINING_OPTIONS}
    tables: dict[str, dict[str, object]] = {}
    if args.extend_vocab:
        tables.setdefault("lora", {})["extend_vocab"] = True
    for text in args.tables:
        target, sep, raw = text.partition("=")
        backend, dot, key = target.partition(".")
        if not sep or not dot:
            raise ValueError(f"--set {text}: expected BACKEND.KEY=VALUE")
        tables.setdefault(backend.strip(), {})[key.strip()] = parse_value(raw.strip())
    return FinetuneConfig.from_table({**values, "eval_path": args.eval_path,
                                      "clean_path": args.clean_path, **extra, **tables})


def _predict(args: argparse.Namespace) -> int:
    from finetune.predict import predict_corpus

    df = predict_corpus(
        args.adapter, args.input, args.out, args.text_column, args.model, args.batch_size
    )
    print(f"wrote {df.height} predictions to {args.out}", file=sys.stderr)
    return 0


def _train(args: argparse.Namespace) -> int:
    from finetune.ablation import train_single

    train_single(_config(args), args.train, Path(args.out), args.seed, not args.quiet)
    return 0


def _ablate(args: argparse.Namespace) -> int:
    from finetune.ablation import run_ablation

    arms = ["raw", "curated"] + (["random"] if args.random else [])
    cfg = _config(args, arms=arms, seeds=args.seeds, save_models=args.save_models)
    run_ablation(cfg, {"raw": args.raw, "curated": args.curated}, Path(args.out), not args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
