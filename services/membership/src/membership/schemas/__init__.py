"""What the API reads and answers, per resource: request bodies and response documents."""
