"""Bare answers and commands in a hissing room: how many are understood, and how many are invented.

    python scripts/bench_words.py [--engine auto] [--noise -40] [--voices hibari,joe]

Each of the eight words ("no", "yes", "skip", "pause", "line", "again", "back", "stop") is said alone at three
paces (0.8x, 1x, 1.25x) by each voice, in hiss at --noise dBFS, then 20 ordinary sentences the same way. Every
recording goes through the product's own path: listen() (speech detector, streaming engine), then for the
run loop's commands judge_turn() against a line it is not, and for the checklist's answers heard_answer().
Understood: the command (or, for yes/no, the answer) said; invented: any command or answer found in a sentence.
Target: >= 95 % understood, 0 invented.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import take_corpus  # noqa: E402

from assistant.answers import Answer, vocabulary  # noqa: E402
from assistant.audio.buffers import WavMicrophone  # noqa: E402
from assistant.audio.pcm import Audio  # noqa: E402
from assistant.audio.rooms import VOICE_DBFS, at_level, hiss  # noqa: E402
from assistant.session.answering import heard_answer  # noqa: E402
from assistant.session.commands import COMMAND_WORDS, MAX_COMMAND_WORDS, heard_command  # noqa: E402
from assistant.events import EventStream, ListenStart  # noqa: E402
from assistant.session.listen import Timing, listen  # noqa: E402
from assistant.session.turns import judge_turn  # noqa: E402
from assistant.speech.hearing import open_ear  # noqa: E402

WORDS = {"no": "answer", "yes": "answer", "skip": "skip", "pause": "pause", "line": "line", "again": "again",
         "back": "back", "stop": "stop"}
SENTENCES = [
    "Stay with me.", "I'm not sure.", "Go on then.", "Not now.", "Stop right there, Theo.", "Lines are lines.",
    "Back off.", "Pass me the salt.", "Say it again, slowly.", "Yes and no.", "Nobody knows.", "Skip the details.",
    "Pause for a second.", "I need a break.", "Come back tomorrow.", "What did you say?", "Nine o'clock sharp.",
    "Stop it.", "Again? Really?", "Now or never.",
]
PACES = (0.8, 1.0, 1.25)
#: A line none of the utterances is: what the run loop would be waiting for.
AWAITED = "We have until Friday to fix the roof."


def recording(cast, voice: str, text: str, pace: float, noise: float, seed: int) -> Audio:
    samples, rate = cast.speak(voice, text, pace, seed)
    speech = at_level(Audio.from_float(samples, rate).to_rate(16000).samples.astype(np.float64), VOICE_DBFS)
    lead, tail = int(0.6 * 16000), int(1.2 * 16000)
    room = hiss(noise, lead + len(speech) + tail, seed=seed)
    room[lead : lead + len(speech)] += speech
    return Audio(np.clip(room, -32768, 32767).astype(np.int16), 16000)


def hear(ear, audio: Audio, commands, dictation, answers):
    events = EventStream()
    as_command = listen(WavMicrophone(audio, realtime=False, trailing_silence=2.0), dictation, events,
                        ListenStart("line", expected=AWAITED),
                        cross_check=commands, is_command=lambda text: heard_command(text, "", AWAITED) is not None,
                        max_command_words=MAX_COMMAND_WORDS)
    turn = judge_turn(as_command, AWAITED, ear)
    as_answer = listen(WavMicrophone(audio, realtime=False, trailing_silence=2.0), answers, events,
                       ListenStart("answer"), cross_check=dictation,
                       timing=Timing(short_silence=0.3, long_silence=1.0, max_utterance=6.0))
    answer, _, _ = heard_answer(as_answer, ear, cross_check=True)
    return turn.command, answer, turn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--noise", type=float, default=-40.0)
    parser.add_argument("--voices", default=",".join(take_corpus.VOICES))
    args = parser.parse_args()
    ear = open_ear(args.engine, names=["MAYA", "THEO"])
    if ear.strong is not None:
        ear.strong.wait()
    dictation = ear.live.recognizer()
    commands = None if ear.strong is not None else ear.live.recognizer(vocabulary=COMMAND_WORDS)
    answers = ear.live.recognizer(vocabulary=vocabulary())
    cast = take_corpus.Voices()
    voices = args.voices.split(",")
    understood, total, misses, invented = 0, 0, [], []
    started = time.perf_counter()
    seed = 0
    for voice in voices:
        for word, meaning in WORDS.items():
            for pace in PACES:
                seed += 1
                command, answer, turn = hear(ear, recording(cast, voice, word, pace, args.noise, seed), commands,
                                             dictation, answers)
                ok = (answer == Answer(word)) if meaning == "answer" else (command == meaning)
                understood += ok
                total += 1
                if not ok:
                    misses.append(f"{voice} {word!r} at {pace}x: command {command}, answer "
                                  f"{getattr(answer, 'value', answer)}, heard {turn.second.text if turn.second else '-'!r}")
        for sentence in SENTENCES:
            seed += 1
            command, answer, turn = hear(ear, recording(cast, voice, sentence, 1.0, args.noise, seed), commands,
                                         dictation, answers)
            if command is not None or answer is not None:
                invented.append(f"{voice} {sentence!r} -> command {command}, answer {getattr(answer, 'value', answer)}")
    print(f"\n== bare words ({ear.description}), hiss {args.noise:g} dBFS, voices {', '.join(voices)}, "
          f"paces {', '.join(f'{p}x' for p in PACES)}")
    print(f"understood {understood} of {total} ({100 * understood / total:.1f} %); "
          f"invented {len(invented)} from {len(SENTENCES) * len(voices)} ordinary sentences")
    print(f"took {time.perf_counter() - started:.0f} s")
    for miss in misses:
        print(f"  not understood: {miss}")
    for wrong in invented:
        print(f"  invented: {wrong}")


if __name__ == "__main__":
    main()
