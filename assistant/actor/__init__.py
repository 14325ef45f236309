"""The virtual actor: a natural voice in a room, standing where the microphone would be, speaking its part
whenever a session listens. It follows the session through the event stream, like every other reader."""

from assistant.actor.actor import VirtualActor
from assistant.actor.learner import LearnerPart
from assistant.actor.parts import AnswerPart, CheckPart, Part, ScenePart, Spoken, StopPart, make_mistake

__all__ = ["VirtualActor", "LearnerPart", "Part", "ScenePart", "AnswerPart", "StopPart", "CheckPart", "make_mistake",
           "Spoken"]
