"""neurohive in the browser: `solara run app.py --host 127.0.0.1`.

The network at `/`, the hive at `/hive`, the two side by side at `/compare`, signal
propagation against mean-field theory at `/meanfield`, the lottery-ticket experiment at
`/lottery`, the guided tour at `/tour`. Every browser tab gets its
own models: they are made inside the page components, never at module level.
"""

import solara
import solara.server.settings
from threadpoolctl import threadpool_limits

from ui.compare_page import ComparePage
from ui.hive_page import HivePage
from ui.lottery_page import LotteryPage
from ui.meanfield_page import MeanFieldPage
from ui.network_page import NetworkPage
from ui.tour_page import TourPage

solara.server.settings.theme.show_banner = False  # its badge covered the charts
# One BLAS thread: the server steps every tab's model, and several BLAS threads per matmul fight each other
# and the browsers for the cores (two tabs playing numerosity: 1.7 redraws/s each with them, 2.8 without;
# benchmarks/app_play.py).
threadpool_limits(1, user_api="blas")

PAGES = [
    ("/", "Network"),
    ("/hive", "Hive"),
    ("/compare", "Compare"),
    ("/meanfield", "Mean field"),
    ("/lottery", "Lottery"),
    ("/tour", "Tour"),
]


@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's own signature for a layout
    """Solara's AppLayout with the pages named in the toolbar (its own tabs would say 'Home')."""
    with solara.AppLayout(children=children, navigation=False, title="neurohive"):
        with solara.AppBar():
            for path, label in PAGES:
                with solara.Link(path):
                    solara.Button(label, text=True, dark=True, classes=[f"nav-{label.lower().replace(' ', '-')}"])


routes = [
    solara.Route(path="/", component=NetworkPage, label="Network", layout=Layout),
    solara.Route(path="hive", component=HivePage, label="Hive"),
    solara.Route(path="compare", component=ComparePage, label="Compare"),
    solara.Route(path="meanfield", component=MeanFieldPage, label="Mean field"),
    solara.Route(path="lottery", component=LotteryPage, label="Lottery"),
    solara.Route(path="tour", component=TourPage, label="Tour"),
]
