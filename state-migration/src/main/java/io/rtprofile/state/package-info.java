/**
 * State Processor API tooling over the profile job's savepoints: inspect, export, bootstrap and
 * migrate ({@code rtprofile state ...}, issue 6). It reads state through the same UIDs ({@link
 * io.rtprofile.jobs.Uids}) and state descriptor factories (for example {@code
 * ProfileBuilder.profileStateDescriptor()}) that the running job uses, so the two cannot drift.
 */
package io.rtprofile.state;
