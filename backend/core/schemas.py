"""Shared schema pieces: strict input (unknown fields refused), trimmed bounded text."""

import marshmallow as ma


class InputSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE


def text(max_length: int, *, required: bool = False, min_length: int = 0, **kwargs) -> ma.fields.String:
    """A string field with a length limit (every text field has one)."""
    return ma.fields.String(required=required, validate=ma.validate.Length(min=min_length, max=max_length), **kwargs)


class OneOfKinds(ma.validate.OneOf):
    """OneOf over the targets registry's kinds with a capability, read when validating (and when the
    OpenAPI document is built), so that schemas never list the domains themselves."""

    def __init__(self, capability: str):
        self.capability = capability
        self.labels, self.labels_text = [], ""
        self.error = self.default_message

    @property
    def choices(self) -> list[str]:
        from backend.core import targets

        return targets.kinds(self.capability)

    @property
    def choices_text(self) -> str:
        return ", ".join(self.choices)


def abilities_schema(name: str, actions: tuple[str, ...]) -> type[ma.Schema]:
    """The `can` object of a view: what the viewer may do now, one boolean per action, so the PWA shows only
    the buttons that will work (the services check again). Each domain's `abilities(actor, obj)` fills it."""
    return ma.Schema.from_dict({action: ma.fields.Boolean(required=True) for action in actions}, name=name)
