package regworkers.platform.markets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class RecordedWinnersUnitTest {

    @Test
    void storedSelectionsReadBackUnchanged() {
        List<Selection> selections =
                List.of(new Selection("user-1", "CODE-A", 1), new Selection("user:2", "CODE-B", 2));
        assertEquals(selections, RecordedWinners.decode(RecordedWinners.encode(selections)));
    }
}
