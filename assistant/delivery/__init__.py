"""Redirection drills: how a take was delivered (pace, loudness, pauses, pitch range), and whether the
next take changed the way the director's note asked."""

from assistant.delivery.comparison import Change, compare, same_delivery
from assistant.delivery.measures import MEASURES, DeliveryMeasures, measure_delivery
from assistant.delivery.spoken import spoken_verdict

__all__ = ["MEASURES", "Change", "DeliveryMeasures", "compare", "measure_delivery", "same_delivery", "spoken_verdict"]
