"""The hive's teaching scenarios: a honey-bee colony that regulates its brood temperature."""

from scenarios.registry import Info, Scenario, register

THREE_DAYS = 4320
HEAT_WAVE = (3480, 240, 12.0)

COMMON_HOW = (
    "One tick is one minute. The Weather agent sets the outside temperature (by default 25 + 8·sin(2πt/1440) °C, "
    "one cycle a day). Every bee senses the brood-nest temperature as it was `sensing_delay` minutes ago (5 by "
    "default): all bees read the same snapshot, and none sees what the others do. Each bee has its own fanning "
    "threshold and a heating threshold one degree lower (34.5 / 35.5 °C plus an offset inherited from its father, "
    "the patriline, plus a small personal one). A working bee quits its task with probability p_quit = 0.2 a "
    "minute; an idle bee fans if the sensed temperature is above its fanning threshold and heats if it is below "
    "its heating threshold. Only after every bee has decided does the nest temperature move, once: "
    "T += λ(T_out − T) + m0·f + h·(heaters/N0) − c·(fanners/N0), with Newton cooling λ = 1/120 per minute, "
    "baseline metabolism m0 = 0.05, heating h = 0.25 and cooling c = 0.15 °C per minute at the full colony of "
    "N0 bees (f is the fraction still alive, so losing bees loses capacity). The thresholds, the 0.2 quit "
    "probability and the 34–36 °C band come from the literature; the lumped heat balance and its capacities are "
    "a reasoned reconstruction, not taken from one paper, calibrated so that the published qualitative results "
    "appear. Read the numbers as a model's, not as measurements of real hives."
)
COMMON_USE = (
    "Run it headless with `neurohive run {name}` (add `--steps N`, `--rng S`, `--set key=value`, "
    "`--out run.csv`); the summary covers the ticks after the first day (`analyse_after`=1440). From Python: "
    "`scenarios.get('{name}').build(rng=1)`, then `model.step()`, or `HiveModel(...)` with any of its keywords. "
    "The DataCollector records temperature, outside, fanning and heating (fractions of the living bees), alive "
    "and in_band every tick. Add `executor='vectorized'` for the same trajectory about ten times faster."
)
EXTEND = (
    "Give bees an age or a position in the nest (brood-comb bees heat, entrance bees fan); let thresholds adapt "
    "with experience (Theraulaz et al. 1998); add a second stimulus such as humidity or CO2; replace the lumped "
    "heat balance by a grid of comb cells with diffusion; or pass your own weather as weather='series', "
    "outside_series=[...] (one value per minute, repeated)."
)
RELATED = (
    "The network scenarios here, measured with the same instruments (numerosity, decentralised control, "
    "feedback, robustness); NetLogo's Ant Lines and Termites for other decentralised colonies; response-threshold "
    "models of division of labour."
)
REFERENCES = (
    "Jones, Myerscough, Graham & Oldroyd (2004), Honey bee nest thermoregulation: diversity promotes stability, "
    "Science 305:402–404. Graham et al. (2006), Insectes Sociaux 53:226–232 (1 vs 15 patrilines). Bonabeau, "
    "Theraulaz & Deneubourg (1996), Proc. R. Soc. B 263:1565–1569; Theraulaz, Bonabeau & Deneubourg (1998), "
    "Proc. R. Soc. B 265:327–332 (response thresholds, quit probability 0.2). Kleinhenz et al. (2003), J. Exp. "
    "Biol. 206:4217–4231; Stabentheiner et al. (2010), PLoS ONE 5:e8967 (brood temperatures). Peters, Peleg & "
    "Mahadevan (2019), J. R. Soc. Interface 16:20180561 (fanning). Ladyman & Wiesner (2020), What is a Complex "
    "System? Built on Mesa. The heat balance and capacities are this project's reconstruction (model/hive.py)."
)


def hive_scenario(name, title, params, what, notice, try_, steps=THREE_DAYS, how_extra=""):
    return register(Scenario(
        name=name, system="hive", params=params, steps=steps, title=title, tags=("hive",),
        info=Info(
            what_is_it=what,
            how_it_works=COMMON_HOW + (" " + how_extra if how_extra else ""),
            how_to_use_it=COMMON_USE.format(name=name),
            things_to_notice=notice,
            things_to_try=try_,
            extending_the_model=EXTEND,
            related_models=RELATED,
            credits_and_references=REFERENCES,
        ),
    ))  # fmt: skip


hive_scenario(
    "hive-day",
    "Three days in a diverse colony: regulation with no one in charge",
    dict(n_bees=300, patrilines=15),
    what=(
        "A colony of 300 worker bees from 15 fathers keeps its brood at 34–36 °C for three days while the air "
        "outside swings between 17 and 33 °C. No bee knows the colony's goal, the outside temperature or what the "
        "others do; each compares one number, the temperature it senses, with its own two thresholds. This is "
        "decentralised control in an open system: energy flows in and out all the time, and the order (a steady "
        "nest) exists only because the bees keep answering that flow."
    ),
    notice=(
        "The nest stays in the band the whole time (in_band about 1.0) while the outside temperature moves 16 °C. "
        "Heating rises at night and fanning in the afternoon, and both are done by a varying subset of bees: the "
        "colony's response is graded because the thresholds are spread, so a small error recruits a few bees and a "
        "large one many. Some bees heat while others fan at the same moment: their thresholds overlap. The nest "
        "temperature still drifts a few tenths of a degree over the day (a proportional controller's offset)."
    ),
    try_=(
        "Compare with hive-diversity (one father): same capacities, same weather, far larger oscillations. Try "
        "p_quit=0.05 (stubborn bees) or 0.6 (fickle ones), beta=0.3 (soft, probabilistic thresholds), "
        "weather='constant' with outside_mean=30, or cold_snap=(2000, 300, 10)."
    ),
)

hive_scenario(
    "hive-heatwave",
    "A heat wave: a graded response, no colony-wide panic",
    dict(n_bees=300, patrilines=15, heat_wave=HEAT_WAVE),
    what=(
        "The diverse colony of hive-day meets a heat wave: from minute 3480 (just after noon on day three) the "
        "outside is 12 °C hotter for four hours, peaking near 41 °C. The question is not whether the nest stays "
        "cool but how the colony responds: a well-regulated colony recruits fanners gradually, in proportion to the "
        "heat, instead of sending every bee to fan at once."
    ),
    notice=(
        "The nest warms by less than a degree, to about 36 °C, at the edge of the band. The fanning fraction climbs step by step, as "
        "successively higher thresholds are crossed, and never reaches 95 % of the colony; its largest change in "
        "one minute is small (see max_fanning_jump in the summary). When the wave ends the fanners drift back to "
        "idle within minutes. A single-patriline colony (try patrilines=1) switches most of its bees on and off "
        "together: its largest one-minute jump is several times larger. Peak temperature alone would mislead: a "
        "colony that recruits everyone at once clamps the temperature hard, then overshoots."
    ),
    try_=(
        "Make the wave harsher, heat_wave=(3480, 240, 20), until the colony's cooling capacity (c at full strength) "
        "is exceeded; combine it with remove_fraction=0.5. Compare with hive-open-loop, which is this scenario with "
        "bees that follow a plan instead of the temperature."
    ),
)

hive_scenario(
    "hive-diversity",
    "Diversity promotes stability: one father instead of fifteen",
    dict(n_bees=300, patrilines=1),
    what=(
        "The single-patriline arm of the experiment of Jones et al. (Science 2004): every bee has the same father, "
        "so the thresholds barely differ (spread 0.1 °C within a patriline). A queen normally mates with a dozen or "
        "more drones; the experiment compared colonies with 1 and 15 patrilines and found the diverse ones steadier. "
        "Here the colony is otherwise identical to hive-day. To compare, run both arms with the same seeds: "
        "`neurohive run hive-diversity --rng 1` and `neurohive run hive-diversity --rng 1 --set patrilines=15` "
        "(the latter is hive-day); over ten seeds each, compare sd_T and sd_T_fast."
    ),
    notice=(
        "The nest temperature swings in a regular cycle of about half an hour, leaving the band about a quarter of "
        "the time: the standard deviation of T is roughly twice the diverse colony's, and its fast part "
        "(sd_T_fast, T minus its hour-long moving average) more than ten times. Nearly all bees fan together, then "
        "nearly all heat together (task_swings counts the flips). Why: with a sensing delay, identical thresholds "
        "make the colony an on/off controller with lag, which overshoots both ways. Spread thresholds turn it into "
        "a graded (proportional) controller that does not."
    ),
    try_=(
        "Sweep patrilines over 1, 2, 3, 5, 15: how many fathers are enough? Keep patrilines=1 and raise "
        "sigma_within to 0.75: the spread matters, not the fathers as such. Set sensing_delay=0 and the difference "
        "nearly vanishes (see hive-delay)."
    ),
)

hive_scenario(
    "hive-removal",
    "Removing bees: graceful degradation, then failure",
    dict(n_bees=300, patrilines=15, remove_fraction=0.5, remove_at=1440, remove_how="random"),
    what=(
        "At the start of day two half the colony disappears (forager loss, a disease): the survivors carry on with "
        "the same rule, but every heater and fanner now stands for a bee of the original colony, so the colony's "
        "heating and cooling capacity is halved. Robustness here means how regulation degrades as parts are lost."
    ),
    notice=(
        "With half the bees the colony still regulates by day but cannot keep the nest warm in the coldest hours: "
        "the temperature sags below 34 °C each night and in_band falls to about 0.75. Removing a quarter changes "
        "almost nothing (graceful degradation: the spare capacity and the graded response absorb the loss); "
        "removing three quarters breaks regulation, with the nest following the outside air for much of the day. "
        "The failure is gradual in the fraction removed but sudden in time: each night the load crosses what the "
        "survivors can supply."
    ),
    try_=(
        "Trace the removal curve: remove_fraction 0, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9 and plot in_band. Try "
        "remove_how='targeted' (the bees with the lowest fanning thresholds go first, and with them the eagerest "
        "fanners): the survivors heat sooner, and the curve shifts. From Python, call model.remove_bees(0.25, "
        "how='random') at any moment."
    ),
)

hive_scenario(
    "hive-delay",
    "The sensing delay: why uniform colonies oscillate",
    dict(n_bees=300, sigma_between=0.0, sigma_within=0.0, sensing_delay=5),
    what=(
        "A uniform colony (every bee has exactly the same thresholds) that senses the nest temperature five minutes "
        "late. It shows why genetic diversity matters in this model: not because spread is good in itself, but "
        "because the bees act on old information. With no delay even identical bees would hold the nest steady."
    ),
    notice=(
        "A limit cycle: the temperature crosses the fanning threshold, but the bees only learn it five minutes later, "
        "by which time the nest is hotter still; then nearly all of them fan at once and drive it well past the "
        "heating threshold, and the swing repeats the other way. The temperature overshoots both thresholds by "
        "about a degree, the colony flips between mass fanning and mass heating dozens of times a day (task_swings) "
        "and spends about a tenth of the time out of the band. With sensing_delay=0 the same colony never overshoots "
        "a threshold by more than about a tenth of a degree and only switches task with the day."
    ),
    try_=(
        "Sweep sensing_delay over 0, 1, 2, 3, 5, 10 and watch sd_T and task_swings grow. Then, at delay 5, give the "
        "thresholds a spread: sigma_within 0.25, 0.5, 0.75. A spread of roughly c·L·dt (0.75 °C here: how far the "
        "full colony moves T during the delay) removes the cycle; with no delay any tiny spread does."
    ),
)

hive_scenario(
    "hive-thermostat",
    "Central control: one bee decides for all",
    dict(n_bees=300, patrilines=15, control="thermostat"),
    what=(
        "A control for 'decentralised control'. The colony of hive-day, but one bee (the one with the median "
        "thresholds) decides, and every other bee does what it does: the colony works like a household thermostat "
        "switching a heater and a fan. Same capacities, same weather, same sensing delay."
    ),
    notice=(
        "The fanning fraction is always 0 or 1 and so is heating: the colony's response is all or nothing, its "
        "largest one-minute jump is the whole colony. The nest temperature swings by several degrees, with twice the "
        "standard deviation of the one-father colony, and is out of the band about a quarter of the time. Now and "
        "then it runs far off, to 40 °C and beyond: how long one bee keeps at a task is a matter of chance (it quits "
        "with probability 0.2 a minute), and with one decider nothing averages that chance out, whereas a colony's "
        "300 independent quitters do. The instruments for decentralised control and correlated activation should read this run very differently "
        "from hive-day."
    ),
    try_=(
        "Set sensing_delay=0: the thermostat becomes usable but still chatters at full power. Remove bees "
        "(remove_fraction=0.3): when the decider is lost another bee takes over."
    ),
)

hive_scenario(
    "hive-open-loop",
    "Open loop: bees that follow a plan instead of the temperature",
    dict(n_bees=300, patrilines=15, control="open_loop", heat_wave=HEAT_WAVE),
    what=(
        "A control for 'feedback'. The colony and weather of hive-heatwave, but the bees never read the nest "
        "temperature: each minute they act on a value from a plan written in advance. The plan is a good one: "
        "for each minute of the expected day it gives the value at which this colony's own thresholds produce "
        "exactly the heating and fanning that balance the heat budget at 35 °C. What it cannot know is anything "
        "unexpected: the heat wave, a cold snap, lost bees."
    ),
    notice=(
        "On the first two days the plan works better than the bees do (sd_T is tiny): the weather is exactly as "
        "forecast. When the heat wave comes the bees carry on as planned, the fanning fraction does not move, and "
        "the nest heats toward 45 °C, far out of the band, recovering only through slow Newton cooling after the "
        "wave. Runs with and without the heat wave have identical bee trajectories: the colony does not respond to "
        "its own temperature at all. Feedback is what buys robustness to the unforeseen."
    ),
    try_=(
        "Set heat_wave=None: the plan is nearly perfect. Try remove_fraction=0.25, or weather='constant' with "
        "outside_mean=30 (the plan is rewritten for it). Compare transfer entropy from T to the bees' activity "
        "here and in hive-heatwave."
    ),
)
