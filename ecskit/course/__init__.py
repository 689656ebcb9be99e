"""What the course's notebooks need: `catch_up` to the state earlier chapters leave, and `check`
for the exercise that ends each notebook.

>>> import ecskit, ecskit.course              # doctest: +SKIP
>>> session = ecskit.connect()                # doctest: +SKIP
>>> ecskit.course.catch_up(3, session)        # doctest: +SKIP
Ready for chapter 03: cluster course, repository my-app, ...
>>> ecskit.course.check("02-worker", session) # doctest: +SKIP
"""

from __future__ import annotations

from . import chapters as chapters  # registers 00-hello … 06-retire, 09 … 11
from . import deployment_predictions as deployment_predictions  # registers 07-predict
from . import startup_failures as startup_failures  # registers 08-no-route … 08-memory
from .catch_up import CHAPTERS, CaughtUp, catch_up, image_uri, push_image, web_task_definition
from .exercises import EXERCISES, Exercise, check
from .result import Item, Result

__all__ = [
    "CHAPTERS",
    "EXERCISES",
    "CaughtUp",
    "Exercise",
    "Item",
    "Result",
    "catch_up",
    "check",
    "image_uri",
    "push_image",
    "web_task_definition",
]
