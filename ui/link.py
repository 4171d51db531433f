"""The page's state in its URL: scenario, then every parameter and the seed, in the declaration's encoding.

`?scenario=moons&p=hidden-8_4~learning_rate-0.05~rng-9` opens the same experiment in any browser: the same
model, bit for bit, because every model is reproducible from its parameters and seed. The text is
`NetworkModel.parameters.encode` (model/parameters.py): declared defaults are left out, so a decoded link
starts from the declared defaults, not the scenario's values.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlencode

import solara

import scenarios
from model import NetworkModel
from ui import params as P


def encode(scenario_name: str, values: dict, skip: tuple[str, ...] = ()) -> str:
    """The query string (no '?') for a page's values (already accepted by the model)."""
    kwargs = {k: v for k, v in P.to_kwargs("network", values).items() if k not in skip}
    return urlencode({"scenario": scenario_name, "p": NetworkModel.parameters.encode(kwargs)}, safe="~-_.,")


def decode(search: str | None) -> tuple[str, dict] | None:
    """(scenario, page values) from a query string, or None if it names no scenario; ValueError if it is bad."""
    query = parse_qs(search or "")
    if "scenario" not in query:
        return None
    name = query["scenario"][0]
    if name not in scenarios.SCENARIOS:
        raise ValueError(f"the link names scenario {name!r}; there is none by that name")
    kwargs = NetworkModel.parameters.decode(query.get("p", [""])[0])
    defaults = NetworkModel.parameters.defaults()
    values = {s.name: defaults.get(s.name) for s in P.NETWORK_SPECS}
    values.update({k: v for k, v in kwargs.items() if k in values})
    return name, values


@solara.component_vue("url_sync.vue")
def UrlSync(query: str, event_arrived: Callable[[str], None] | None = None):
    """Shows `query` in the browser's address bar (replaceState) and reports the query the page was opened with."""
