-- back compat for old kwarg name
  
  
        
            
            
        

        

        merge into "iceberg"."stedi_trusted"."accelerometer_trusted" as DBT_INTERNAL_DEST
            using "iceberg"."stedi_trusted"."accelerometer_trusted__dbt_tmp" as DBT_INTERNAL_SOURCE
            on (
                DBT_INTERNAL_SOURCE.accelerometer_reading_id = DBT_INTERNAL_DEST.accelerometer_reading_id
            )

        
        when matched then update set
            "accelerometer_reading_id" = DBT_INTERNAL_SOURCE."accelerometer_reading_id","customer_id" = DBT_INTERNAL_SOURCE."customer_id","reading_epoch_ms" = DBT_INTERNAL_SOURCE."reading_epoch_ms","reading_at" = DBT_INTERNAL_SOURCE."reading_at","x" = DBT_INTERNAL_SOURCE."x","y" = DBT_INTERNAL_SOURCE."y","z" = DBT_INTERNAL_SOURCE."z","consent_version" = DBT_INTERNAL_SOURCE."consent_version","landing_file_modified_at" = DBT_INTERNAL_SOURCE."landing_file_modified_at","loaded_at" = DBT_INTERNAL_SOURCE."loaded_at"
        

        when not matched then insert
            ("accelerometer_reading_id", "customer_id", "reading_epoch_ms", "reading_at", "x", "y", "z", "consent_version", "landing_file_modified_at", "loaded_at")
        values
            (DBT_INTERNAL_SOURCE."accelerometer_reading_id", DBT_INTERNAL_SOURCE."customer_id", DBT_INTERNAL_SOURCE."reading_epoch_ms", DBT_INTERNAL_SOURCE."reading_at", DBT_INTERNAL_SOURCE."x", DBT_INTERNAL_SOURCE."y", DBT_INTERNAL_SOURCE."z", DBT_INTERNAL_SOURCE."consent_version", DBT_INTERNAL_SOURCE."landing_file_modified_at", DBT_INTERNAL_SOURCE."loaded_at")

    
