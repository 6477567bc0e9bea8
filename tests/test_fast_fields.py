"""Plain fields are read by one getattr and simple resolvers are called directly, without Strawberry's
per-field wrapper; fields with arguments keep it (their arguments must still be converted)."""

from schema import FIELD_PATHS, schema


def resolver_of(type_name: str, field_name: str):
    return schema._schema.type_map[type_name].fields[field_name].resolve


def test_plain_fields_read_the_attribute_directly():
    assert resolver_of("Claim", "status").__qualname__.startswith("_reader")
    assert resolver_of("Money", "amount").__qualname__.startswith("_reader")
    assert FIELD_PATHS["plain"] >= 200


def test_context_only_resolvers_are_called_directly_and_arguments_keep_strawberry():
    def written(type_name: str, field_name: str):
        field = schema.get_type_by_name(type_name).get_field(field_name)
        return field.base_resolver.wrapped_func

    assert resolver_of("Claim", "order") is written("Claim", "order")  # no wrapper at all
    claims = resolver_of("Query", "claims")
    assert claims is not written("Query", "claims") and not claims.__qualname__.startswith("_reader")
    assert FIELD_PATHS["direct"] >= 20 and FIELD_PATHS["strawberry"] >= 20
