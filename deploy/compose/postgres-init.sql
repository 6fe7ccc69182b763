-- One database per service: no service reads another's.
CREATE DATABASE kombel_membership;
CREATE DATABASE kombel_activities;
CREATE DATABASE kombel_notifications;
CREATE DATABASE kombel_reporting;
