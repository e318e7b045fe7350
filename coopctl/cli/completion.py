"""Shell completion (bash, zsh, fish, as Typer provides: `coopctl --install-completion`, `--show-completion`)
of commands, options and the values people type most: agreement and partner ids, sectors, agreement types,
partner kinds, activity types and document kinds.

`with_completion(signature, command)` gives each parameter that takes such a value its completer, when a
command is declared (`base.command`); nothing here runs unless the shell asks (`_COOPCTL_COMPLETE` set).
The store is the one named by --store on the line being completed, else COOPCTL_STORE, else the default;
a store that cannot be read completes nothing (never an error in the middle of typing).
"""

import copy
import inspect
from typing import Annotated, Callable

import typer


def _store(ctx):
    """The store the line being completed names (its first --store), loaded; None when it cannot be read."""
    try:
        from coopctl.storage.loader import load_valid
        from coopctl.storage.location import resolve_store_paths

        named = None
        while ctx is not None and named is None:
            named = (ctx.params or {}).get("store")
            ctx = ctx.parent
        paths = resolve_store_paths(named or None)
        return load_valid(paths[0]) if paths else None
    except Exception:  # noqa: BLE001 - completing must never fail in the middle of typing
        return None


def _matching(values, incomplete: str) -> list[tuple[str, str]]:
    low = (incomplete or "").casefold()
    return [(value, help_text) for value, help_text in values if value.casefold().startswith(low)]


def agreements(ctx, incomplete: str) -> list[tuple[str, str]]:
    loaded = _store(ctx)
    if loaded is None:
        return []
    return _matching(((a.id, a.title) for a in loaded.store.agreements()), incomplete)


def partners(ctx, incomplete: str) -> list[tuple[str, str]]:
    loaded = _store(ctx)
    if loaded is None:
        return []
    return _matching(((p.id, p.name) for p in loaded.store.partners.values()), incomplete)


def records(ctx, incomplete: str) -> list[tuple[str, str]]:
    """A partner or an agreement (`show`, `edit`, `delete`)."""
    return partners(ctx, incomplete) + agreements(ctx, incomplete)


def sectors(ctx, incomplete: str) -> list[tuple[str, str]]:
    from coopctl.core.sectors import Vocabulary

    loaded = _store(ctx)
    vocabulary = loaded.vocabulary if loaded is not None else Vocabulary()
    return _matching(((s.id, s.label) for s in vocabulary.sectors.values()), incomplete)


def _choices(name: str) -> Callable:
    def complete(ctx, incomplete: str) -> list[tuple[str, str]]:
        from coopctl.core import lexicon

        return _matching(((c.id, c.label) for c in getattr(lexicon, name)), incomplete)

    return complete


def _plain(name: str) -> Callable:
    def complete(ctx, incomplete: str) -> list[tuple[str, str]]:
        from coopctl.core import records as model

        return _matching(((value, "") for value in getattr(model, name)), incomplete)

    return complete


types, kinds, document_kinds = _choices("TYPES"), _choices("KINDS"), _choices("DOCUMENT_KINDS")
activity_types = _plain("ACTIVITY_TYPES")

# Which completer a parameter gets: by its option name, then (for arguments) by its parameter name. The few
# options whose name means something else in one command are named with the command first.
BY_OPTION = {"--partner": partners, "--agreement": agreements, "--under": agreements, "--sector": sectors,
             "--type": types, "--kind": kinds, "log --type": activity_types, "attach --kind": document_kinds,
             "docs --kind": document_kinds, "search --kind": document_kinds}
BY_ARGUMENT = {"agreement_id": agreements, "agreement": agreements, "record_id": records, "partner": partners}


def with_completion(signature: inspect.Signature, command: str) -> inspect.Signature:
    """`signature` with a completer on each parameter that takes an id, a sector, a type or a kind."""
    changed = []
    for param in signature.parameters.values():
        metadata = getattr(param.annotation, "__metadata__", ())
        info = next((m for m in metadata if isinstance(m, (typer.models.OptionInfo, typer.models.ArgumentInfo))),
                    None)
        complete = None
        if isinstance(info, typer.models.OptionInfo):
            names = [n for n in ((info.default,) if isinstance(info.default, str) else ()) + tuple(info.param_decls or ())
                     if n.startswith("--")]
            complete = next((BY_OPTION.get(f"{command} {n}") or BY_OPTION.get(n) for n in names
                             if f"{command} {n}" in BY_OPTION or n in BY_OPTION), None)
        elif isinstance(info, typer.models.ArgumentInfo):
            complete = BY_ARGUMENT.get(param.name)
        if complete is not None and info.autocompletion is None:
            info = copy.copy(info)
            info.autocompletion = complete
            param = param.replace(annotation=Annotated[(param.annotation.__origin__, info)])
        changed.append(param)
    return signature.replace(parameters=changed)

