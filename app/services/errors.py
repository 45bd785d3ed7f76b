"""Errors services raise; routes turn them into pages."""


class ServiceError(Exception):
    """A use case could not be completed for a reason the person can be told."""


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    pass
