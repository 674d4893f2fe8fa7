package io.rtprofile.local.verify;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RejectionCheckTest {

    @Test
    void everyBadRecordRejectedOnceHolds() {
        RejectionCheck check = inputWithBadAt(3, 7);
        check.rejection("events", 0, 3L);
        check.rejection("events", 1, 7L);
        check.finish();

        assertThat(check.recordsIn()).isEqualTo(20);
        assertThat(check.badRecords()).isEqualTo(2);
        assertThat(check.rejections()).isEqualTo(2);
        assertThat(check.missing().count()).isZero();
        assertThat(check.duplicated().count()).isZero();
        assertThat(check.unexpected().count()).isZero();
    }

    @Test
    void aBadRecordWithoutRejectionIsMissingAndOneRejectedTwiceIsDuplicated() {
        RejectionCheck check = inputWithBadAt(3, 7);
        check.rejection("events", 0, 3L);
        check.rejection("events", 0, 3L);
        check.finish();

        assertThat(check.missing().examples())
                .containsExactly("partition 1 offset 7 is not a valid event and was not rejected");
        assertThat(check.duplicated().examples())
                .containsExactly("partition 0 offset 3 rejected 2 times");
    }

    @Test
    void aRejectedValidEventIsUnexpectedAndRecordsNotReadAreSetAside() {
        RejectionCheck check = inputWithBadAt(3, 7);
        check.rejection("events", 0, 3L);
        check.rejection("events", 1, 7L);
        check.rejection("events", 0, 4L);
        // Another topic, and an offset before what was read (retention): nothing to match.
        check.rejection("other", 0, 3L);
        check.rejection("events", 0, 99L);
        // A valid event refused after parsing (a suppressed identity) names no offset.
        check.rejection(null, null, null);
        check.finish();

        assertThat(check.unexpected().examples())
                .containsExactly("rejection of partition 0 offset 4, a valid event");
        assertThat(check.outsideInput()).isEqualTo(2);
        assertThat(check.withoutOrigin()).isEqualTo(1);
        assertThat(check.missing().count()).isZero();
    }

    @Test
    void theExpectedCountOfBadRecordsIsCheckedAgainstTheParser() {
        RejectionCheck check = inputWithBadAt(3, 7);
        check.expectBadRecords(3);
        check.rejection("events", 0, 3L);
        check.rejection("events", 1, 7L);
        check.finish();

        assertThat(check.badCount().examples())
                .singleElement()
                .asString()
                .contains("holds 2 bad records, 3 were expected");
    }

    /**
     * Ten records on each of two partitions; partition 0 bad at {@code bad0}, 1 at {@code bad1}.
     */
    private static RejectionCheck inputWithBadAt(long bad0, long bad1) {
        RejectionCheck check = new RejectionCheck("events");
        for (long offset = 0; offset < 10; offset++) {
            check.inputRecord(0, offset, offset == bad0);
            check.inputRecord(1, offset, offset == bad1);
        }
        return check;
    }
}
