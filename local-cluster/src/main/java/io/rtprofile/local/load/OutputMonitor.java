package io.rtprofile.local.load;

import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.json.ProfileUpdateJson;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A downstream consumer of a job's profile updates ({@code read_committed}, from the beginning),
 * from before the load starts until after the job has caught up: it sees an outage as a user would,
 * including one still under way after the load ended. It logs the updates that came from a new
 * event ({@link EventDrivenUpdates}).
 */
public final class OutputMonitor implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;

    public OutputMonitor(String bootstrapServers, String topic, OutputLog log) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic)
                .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread =
                new Thread(
                        () -> {
                            try {
                                EventDrivenUpdates eventDriven = new EventDrivenUpdates();
                                while (running) {
                                    var records = consumer.poll(Duration.ofMillis(100));
                                    long now = System.currentTimeMillis();
                                    for (ConsumerRecord<byte[], byte[]> r : records) {
                                        if (r.value() == null) {
                                            continue;
                                        }
                                        ProfileUpdate update = ProfileUpdateJson.decode(r.value());
                                        if (eventDriven.isEventDriven(
                                                update.getProfileId(), update.getUpdatedAt())) {
                                            log.updateRead(now, update.getUpdatedAt());
                                        }
                                    }
                                }
                            } catch (WakeupException e) {
                                // closing
                            } catch (Throwable t) {
                                failure.set(t);
                            }
                        },
                        "output-monitor");
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join();
        consumer.close();
        if (failure.get() != null) {
            throw new IllegalStateException("the output monitor failed", failure.get());
        }
    }
}
