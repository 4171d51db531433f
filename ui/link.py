"""The page's state in its URL: scenario, seed and every parameter that differs from the scenario's.

`?scenario=moons&seed=7&set=hidden~32,32;learning_rate~0.05` opens the same experiment in any browser:
the same model, bit for bit, because every model is reproducible from its parameters and seed.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlencode

import solara

import scenarios
from ui.params import NETWORK_SPECS, parse, show

PAIR, ASSIGN = ";", "~"  # neither occurs in a shown value; both survive a URL unescaped


def _shown(specs: dict, key: str, value) -> str:
    """A value as its control shows it once understood ("8 4" and "(8, 4)" both as "8,4")."""
    try:
        return show(parse(specs[key], value)) if key in specs else show(value)
    except ValueError:
        return show(value)


def encode(scenario_name: str, values: dict, initial: dict, skip: tuple[str, ...] = ()) -> str:
    """The query string (no '?') for these values: only what differs from `initial`, the seed always."""
    specs = {s.name: s for s in NETWORK_SPECS}
    changed = [(k, _shown(specs, k, v)) for k, v in values.items()
               if k not in ("rng", *skip) and _shown(specs, k, v) != _shown(specs, k, initial.get(k))]
    query = {"scenario": scenario_name, "seed": _shown(specs, "rng", values.get("rng"))}
    if changed:
        query["set"] = PAIR.join(f"{k}{ASSIGN}{v}" for k, v in changed)
    return urlencode(query, safe=",~;")


def decode(search: str | None, initial_values, known: set[str]) -> tuple[str, dict] | None:
    """(scenario, values) from a query string, or None if it names no scenario; unknown keys are refused."""
    query = parse_qs(search or "")
    if "scenario" not in query:
        return None
    name = query["scenario"][0]
    if name not in scenarios.SCENARIOS:
        raise ValueError(f"the link names scenario {name!r}; there is none by that name")
    values = dict(initial_values(scenarios.get(name)))
    if "seed" in query:
        values["rng"] = query["seed"][0]
    for pair in (query.get("set", [""])[0]).split(PAIR):
        if not pair:
            continue
        key, _, value = pair.partition(ASSIGN)
        if key not in known:
            raise ValueError(f"the link sets {key!r}, which is not a parameter here")
        values[key] = value
    return name, values


@solara.component_vue("url_sync.vue")
def UrlSync(query: str, event_arrived: Callable[[str], None] | None = None):
    """Shows `query` in the browser's address bar (replaceState) and reports the query the page was opened with."""
